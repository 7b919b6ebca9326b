"""Bookings written into the coach's calendar (a real Radicale): confirmed → the event appears,
moved → it moves, cancelled → it goes; a failing calendar never stops a booking."""

from datetime import timedelta

import pytest

from coaching.bookings.models import Role
from coaching.bookings.services import booking_cancel, booking_move
from coaching.calendars.models import BookingEvent, WriteState
from coaching.calendars.sync import connection_sync
from coaching.calendars.tasks import retry_write_backs, write_booking_event
from coaching.calendars.writeback import backoff
from coaching.practices.selectors import session_type_free_slots
from tests.bookings.fixtures import TUESDAY_10
from tests.calendars.conftest import connect
from tests.factories import PaidBookingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def connected(practice, account, paypal, radicale):
    # PayPal is faked at the HTTP level; the calendar is a real server.
    paypal.mock.add_passthru(radicale.url)
    return connect(practice, account)


def confirm(paypal, client_user, session_type, capture):
    """A paid booking, confirmed with its after-commit receivers run (the write-back row)."""
    with capture(execute=True):
        booking = PaidBookingFactory(
            session_type=session_type, client=client_user, start=TUESDAY_10
        )
    return booking


def write(booking) -> str:
    row = BookingEvent.objects.get(booking=booking)
    return write_booking_event.apply(args=[row.pk]).get()


def test_a_booking_appears_moves_and_goes(
    connected,
    account,
    session_type,
    client_user,
    paypal,
    frozen,
    django_capture_on_commit_callbacks,
):
    booking = confirm(paypal, client_user, session_type, django_capture_on_commit_callbacks)
    row = BookingEvent.objects.get(booking=booking)
    assert row.uid == f"{booking.reference}@buchung.sofadoc.de"
    assert write(booking) == "done"
    assert row.uid in account.uids()
    text = account.event_text(row.uid)
    assert "Coaching – Jonas" in text  # session type and first name only
    assert "Client" not in text  # not the surname
    assert client_user.email not in text
    assert f"/bookings/{booking.reference}/join/" in text
    assert "DTSTART:20260602T080000Z" in text

    # Writing again (a retried task) updates the same event: still one.
    BookingEvent.objects.filter(pk=row.pk).update(state=WriteState.PENDING)
    assert write(booking) == "done"
    assert len([u for u in account.uids() if u == row.uid]) == 1

    # Our own event is not read back as busy time (the booking blocks its time already).
    connection_sync(connection_id=connected.pk)
    assert not connected.calendars.get().busy.exists()

    new_start = TUESDAY_10 + timedelta(hours=3)
    with django_capture_on_commit_callbacks(execute=True):
        booking_move(booking=booking, actor=client_user, new_start=new_start)
    assert write(booking) == "done"
    text = account.event_text(row.uid)
    assert "DTSTART:20260602T110000Z" in text
    assert "SEQUENCE:0" not in text  # a new revision for calendar apps

    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=booking, actor=client_user, role=Role.CLIENT, reason="krank")
    assert write(booking) == "done"
    assert row.uid not in account.uids()


def test_a_failing_calendar_does_not_stop_the_booking_and_is_retried_with_backoff(
    connected,
    account,
    radicale,
    session_type,
    client_user,
    paypal,
    frozen,
    django_capture_on_commit_callbacks,
):
    radicale.set_password(account.user, "changed")  # the coach changed the app password
    booking = confirm(paypal, client_user, session_type, django_capture_on_commit_callbacks)
    assert booking.state == "confirmed"
    assert write(booking) == "retry"
    row = BookingEvent.objects.get(booking=booking)
    assert row.state == WriteState.PENDING and row.attempts == 1
    assert row.next_attempt_at == frozen_now(frozen) + backoff(1)
    assert "auth" in row.last_error

    # Not due yet: the scan leaves it; once due, the scan sends it again.
    assert retry_write_backs.apply().get() == 0
    radicale.set_password(account.user, account.password)
    frozen.shift(backoff(1))
    assert retry_write_backs.apply().get() == 1
    assert write(booking) == "done"
    assert row.uid in account.uids()


def test_no_chosen_calendar_means_nothing_is_written(
    practice, session_type, client_user, paypal, frozen, django_capture_on_commit_callbacks
):
    confirm(paypal, client_user, session_type, django_capture_on_commit_callbacks)
    assert not BookingEvent.objects.exists()


def test_busy_time_from_the_calendar_does_not_touch_a_held_slot_check(
    connected, account, session_type, frozen
):
    """Imported time is blocked for new bookings through the same slot engine."""
    account.add("dentist", TUESDAY_10, TUESDAY_10 + timedelta(hours=1))
    connection_sync(connection_id=connected.pk)
    free = session_type_free_slots(
        session_type=session_type, start=TUESDAY_10, end=TUESDAY_10 + timedelta(hours=2)
    )
    assert TUESDAY_10 not in free


def frozen_now(frozen):
    from django.utils import timezone

    return timezone.now()
