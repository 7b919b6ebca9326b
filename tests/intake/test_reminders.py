"""48 hours before a session, a client who still owes the questionnaire or the agreement gets one
reminder (e-mail and inbox) through the notification registry; nothing once it is done."""

from datetime import timedelta

import pytest

from coaching.intake.notifications import INTAKE_OPEN
from coaching.intake.tasks import remind_open
from coaching.notifications.models import Notification
from tests.bookings.fixtures import TUESDAY_10
from tests.intake.helpers import accept_agreement, answer_form, publish_agreement, publish_form

pytestmark = pytest.mark.django_db


def _rows(booking):
    return Notification.objects.filter(booking=booking, kind=INTAKE_OPEN)


def test_nothing_asked_nothing_sent(booking, frozen):
    frozen.move_to(TUESDAY_10 - timedelta(hours=47))
    assert remind_open.apply().get() == 0


def test_the_reminder_goes_once_within_48_hours_and_names_what_is_open(
    booking, practice, client_user, frozen, mailoutbox
):
    from coaching.notifications.scans import notifications_send_due

    publish_form(practice)
    publish_agreement(practice)
    frozen.move_to(TUESDAY_10 - timedelta(hours=49))
    assert remind_open.apply().get() == 0  # not yet
    frozen.move_to(TUESDAY_10 - timedelta(hours=47))
    queued = remind_open.apply().get()
    assert queued == _rows(booking).count() >= 2  # e-mail and inbox
    assert set(_rows(booking).values_list("recipient", flat=True)) == {client_user.pk}
    assert remind_open.apply().get() == 0  # once
    notifications_send_due()  # what the worker does with the queued rows
    [mail] = [m for m in mailoutbox if client_user.email in m.to]
    assert f"/bookings/{booking.reference}/intake/" in mail.body
    assert f"/bookings/{booking.reference}/agreement/" in mail.body


def test_done_before_delivery_means_the_message_is_skipped(booking, practice, client_user, frozen):
    from coaching.notifications.scans import notifications_send_due

    version = publish_form(practice)
    agreement = publish_agreement(practice)
    frozen.move_to(TUESDAY_10 - timedelta(hours=40))
    assert remind_open.apply().get() >= 2
    answer_form(practice, client_user, version)
    accept_agreement(agreement, client_user)
    notifications_send_due()
    assert set(_rows(booking).values_list("status", flat=True)) == {"skipped"}


def test_a_client_who_did_everything_gets_nothing(booking, practice, client_user, frozen):
    answer_form(practice, client_user, publish_form(practice))
    accept_agreement(publish_agreement(practice), client_user)
    frozen.move_to(TUESDAY_10 - timedelta(hours=47))
    assert remind_open.apply().get() == 0
