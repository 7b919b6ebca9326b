"""booking_complete and booking_mark_no_show: the only way a session becomes completed or a
no-show (the video scan and the coach's correction call them), under a row lock, audited."""

from datetime import timedelta

import pytest

from coaching.bookings.models import Actor, BookingEvent, BookingState
from coaching.bookings.services import (
    BookingError,
    booking_cancel,
    booking_complete,
    booking_mark_no_show,
)
from tests.bookings.fixtures import TUESDAY_10

pytestmark = pytest.mark.django_db


def test_a_session_is_settled_only_after_its_end(booking, frozen):
    frozen.move_to(TUESDAY_10 + timedelta(minutes=30))
    with pytest.raises(BookingError):
        booking_complete(booking=booking, reason="too early")
    booking.refresh_from_db()
    assert booking.state == BookingState.CONFIRMED

    frozen.move_to(TUESDAY_10 + timedelta(hours=1))
    assert booking_complete(booking=booking, reason="attended").state == BookingState.COMPLETED
    event = BookingEvent.objects.filter(booking=booking).latest("pk")
    assert (event.from_state, event.to_state, event.actor_role, event.reason) == (
        BookingState.CONFIRMED,
        BookingState.COMPLETED,
        Actor.SYSTEM,
        "attended",
    )


def test_the_coach_corrects_either_way_and_a_repeat_changes_nothing(booking, practice, frozen):
    frozen.move_to(TUESDAY_10 + timedelta(hours=2))
    booking_mark_no_show(booking=booking, reason="nobody came")
    events = BookingEvent.objects.filter(booking=booking).count()
    assert booking_mark_no_show(booking=booking, reason="again").state == BookingState.NO_SHOW
    assert BookingEvent.objects.filter(booking=booking).count() == events

    coach = practice.owner
    booking_complete(booking=booking, actor=coach, role=Actor.COACH, reason="by phone")
    booking.refresh_from_db()
    assert booking.state == BookingState.COMPLETED
    event = BookingEvent.objects.filter(booking=booking).latest("pk")
    assert (event.actor, event.actor_role) == (coach, Actor.COACH)


def test_a_cancelled_booking_is_neither_completed_nor_a_no_show(booking, client_user, frozen):
    booking_cancel(booking=booking, actor=client_user, role=Actor.CLIENT)
    frozen.move_to(TUESDAY_10 + timedelta(hours=2))
    for settle in (booking_complete, booking_mark_no_show):
        with pytest.raises(BookingError):
            settle(booking=booking, reason="scan")
    booking.refresh_from_db()
    assert booking.state == BookingState.CANCELLED
