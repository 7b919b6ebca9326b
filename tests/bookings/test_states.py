"""The booking state machine (coaching/bookings/states.py): only the transitions in its table,
each written to the audit trail with who did it, in which role and why."""

import pytest
from django.utils import translation

from coaching.bookings.models import BookingEvent, BookingState, Role
from coaching.bookings.states import ALLOWED, InvalidTransition, record, transition
from tests.factories import BookingFactory

pytestmark = pytest.mark.django_db


def test_every_state_is_in_the_table_and_the_ends_lead_nowhere():
    assert set(ALLOWED) == set(BookingState.values)
    assert not ALLOWED[BookingState.CANCELLED] and not ALLOWED[BookingState.ABANDONED]


def test_an_allowed_transition_changes_the_state_and_the_fields_and_is_recorded():
    booking = BookingFactory()
    coach = booking.practice.owner

    transition(
        booking,
        BookingState.CANCELLED,
        actor=coach,
        role=Role.COACH,
        reason="krank",
        fields={"cancelled_by": Role.COACH},
    )

    booking.refresh_from_db()
    assert (booking.state, booking.cancelled_by) == (BookingState.CANCELLED, Role.COACH)
    [event] = BookingEvent.objects.filter(booking=booking)
    assert (event.actor, event.actor_role, event.reason) == (coach, Role.COACH, "krank")
    assert (event.from_state, event.to_state) == (BookingState.CONFIRMED, BookingState.CANCELLED)


def test_a_transition_outside_the_table_is_refused_and_changes_nothing():
    booking = BookingFactory(state=BookingState.CANCELLED)

    with pytest.raises(InvalidTransition) as refused:
        transition(booking, BookingState.CONFIRMED)

    with translation.override("en"):
        assert str(refused.value.message) == "This booking can no longer be changed that way."
    assert booking.reference in str(refused.value)
    booking.refresh_from_db()
    assert booking.state == BookingState.CANCELLED
    assert not BookingEvent.objects.exists()


def test_record_keeps_the_state_and_writes_an_entry():
    booking = BookingFactory()
    record(booking, role=Role.STAFF, reason="r" * 300)
    [event] = BookingEvent.objects.filter(booking=booking)
    assert event.from_state == event.to_state == BookingState.CONFIRMED
    assert event.actor is None and len(event.reason) == 255
