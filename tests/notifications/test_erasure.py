"""A person who erases their account is taken out of the messages others got about them."""

import pytest

from coaching.notifications.models import Channel, Kind, Notification
from privacy.redaction import REDACTED
from privacy.services import account_erase
from tests.notifications.test_booking_messages import confirmed, deliver_all  # noqa: F401

pytestmark = pytest.mark.django_db


def _coach_inbox(practice):
    return Notification.objects.get(
        recipient=practice.owner, channel=Channel.INBOX, kind=Kind.BOOKING_CONFIRMED
    )


def test_the_coachs_inbox_no_longer_names_a_client_who_erased_their_account(
    confirmed,  # noqa: F811
    client_user,
    practice,
    paypal,
    frozen,
    django_capture_on_commit_callbacks,
):
    deliver_all()
    assert "Jonas Client" in _coach_inbox(practice).body

    with django_capture_on_commit_callbacks(execute=True):
        account_erase(user=client_user)
    deliver_all()

    kept = _coach_inbox(practice)
    assert "Jonas Client" not in kept.body and REDACTED in kept.body
    assert "Anna Coach" in kept.body, "the message itself stays the coach's"
    # Everything the coach got about the session, the cancellation included, is nameless.
    for row in Notification.objects.filter(recipient=practice.owner):
        assert "Jonas Client" not in row.subject + row.body
    assert not Notification.objects.filter(recipient_id=client_user.pk).exists()


def test_a_message_rendered_while_the_client_is_being_erased_does_not_name_them(
    confirmed,  # noqa: F811
    client_user,
    practice,
):
    client_user.is_active = False  # what account_erasure_request does first
    client_user.save(update_fields=["is_active"])
    deliver_all()
    assert "Jonas Client" not in _coach_inbox(practice).body
    assert _coach_inbox(practice).body.count(REDACTED) == 1
