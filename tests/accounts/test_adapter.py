"""Account e-mails go through the delivery log: the request only queues them, so a mail server
that is down never fails or slows the page; the worker's failure is recorded and the scan
sends the mail once the server is back."""

import pytest
from django.core import mail
from django.urls import reverse

from coaching.notifications.models import Channel, Notification, Status
from coaching.notifications.tasks import send_due_reminders
from sofadoc.accounts.models import User
from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.mail import deliver_queued

pytestmark = pytest.mark.django_db

MAIL_DOWN = "tests.notifications.broken_mail.EmailBackend"  # raises SMTPServerDisconnected
MAIL_UP = "django.core.mail.backends.locmem.EmailBackend"
SIGNUP = {
    "display_name": "Mara",
    "email": "mara@example.org",
    "password1": DEFAULT_PASSWORD,
    "password2": DEFAULT_PASSWORD,
    "age_18": "on",
    "terms": "on",
    "privacy": "on",
}


def _english(client):
    client.cookies["django_language"] = "en"


def _fails_then_is_retried(settings) -> Notification:
    """The worker meets a server that is down; the next scan, with it back, sends the mail."""
    [row] = Notification.objects.filter(kind="account")
    assert deliver_queued() == [Status.FAILED]
    row.refresh_from_db()
    assert row.status == Status.FAILED and "SMTPServerDisconnected" in row.reason
    assert row.payload, "what the mail needs is kept for the retry"
    assert not mail.outbox

    settings.EMAIL_BACKEND = MAIL_UP
    assert send_due_reminders.apply().get() == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.payload) == (Status.SENT, 2, "")
    return row


def test_signing_up_while_the_mail_server_is_down_works_and_the_mail_follows(client, settings):
    _english(client)
    settings.EMAIL_BACKEND = MAIL_DOWN

    response = client.post(reverse("account_signup"), SIGNUP, follow=True)

    assert response.status_code == 200
    user = User.objects.get(email="mara@example.org")
    assert user.language == "en"  # the language the page was read in
    row = _fails_then_is_retried(settings)
    assert (row.recipient, row.channel) == (user, Channel.EMAIL)
    [message] = mail.outbox
    assert message.to == ["mara@example.org"]
    assert "/accounts/confirm-email/" in message.body


def test_a_password_reset_while_the_mail_server_is_down_is_sent_when_it_is_back(client, settings):
    _english(client)
    user = UserFactory(email="ida@example.org", language="en")
    settings.EMAIL_BACKEND = MAIL_DOWN

    response = client.post(reverse("account_reset_password"), {"email": user.email}, follow=True)
    assert response.status_code == 200

    _fails_then_is_retried(settings)
    assert [m.to for m in mail.outbox] == [["ida@example.org"]]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body
