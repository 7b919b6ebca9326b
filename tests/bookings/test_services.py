"""The booking services (coaching/bookings/services/): cancel with the refund the rule says,
move, and settle a session (booking_complete, booking_mark_no_show: the only way a session
becomes completed or a no-show, under a row lock, audited). The checkout's services are tested
with the checkout in test_checkout.py, holds racing each other in test_race.py."""

import json
from datetime import timedelta

import pytest

from coaching.bookings.models import Booking, BookingEvent, BookingState, Role
from coaching.bookings.services import (
    BookingError,
    booking_cancel,
    booking_complete,
    booking_mark_no_show,
)
from coaching.payments.models import PaymentStatus
from tests.bookings.fixtures import TUESDAY_10

pytestmark = pytest.mark.django_db


def test_client_cancels_inside_the_free_window_and_is_refunded_in_full(
    booking, client_user, paypal, frozen
):
    # Deadline is Monday 10:00 (24 h before); it is exactly then: still free.
    refund = booking_cancel(booking=booking, actor=client_user, role=Role.CLIENT)

    booking.refresh_from_db()
    assert booking.state == BookingState.CANCELLED and booking.cancelled_by == Role.CLIENT
    assert refund.amount == booking.price and refund.status == "completed"
    assert booking.payments.get().status == PaymentStatus.REFUNDED
    [sent] = paypal.requests_to("/refund")
    assert json.loads(sent.body)["amount"] == {"currency_code": "EUR", "value": "80.00"}
    assert sent.headers["PayPal-Request-Id"].startswith("sofadoc-refund-")


def test_client_cancelling_after_the_window_gets_no_refund(booking, client_user, paypal, frozen):
    frozen.shift(timedelta(seconds=1))  # one second past the deadline

    refund = booking_cancel(booking=booking, actor=client_user, role=Role.CLIENT)

    assert refund is None
    assert Booking.objects.get().state == BookingState.CANCELLED
    assert not paypal.requests_to("/refund")
    assert booking.payments.get().status == PaymentStatus.CAPTURED


def test_coach_cancelling_always_refunds_and_must_say_why(booking, practice, paypal, frozen):
    frozen.shift(timedelta(hours=20))  # well past the client's window
    with pytest.raises(BookingError):
        booking_cancel(booking=booking, actor=practice.owner, role=Role.COACH, reason=" ")

    refund = booking_cancel(
        booking=booking, actor=practice.owner, role=Role.COACH, reason="Ich bin krank."
    )

    assert refund.amount == booking.price
    assert Booking.objects.get().cancel_reason == "Ich bin krank."


def test_a_refund_that_paypal_refuses_is_kept_for_staff(booking, client_user, paypal, frozen):
    paypal.fail_refunds = True

    refund = booking_cancel(booking=booking, actor=client_user, role=Role.CLIENT)

    assert refund.status == "failed"
    assert Booking.objects.get().state == BookingState.CANCELLED


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
        Role.SYSTEM,
        "attended",
    )


def test_the_coach_corrects_either_way_and_a_repeat_changes_nothing(booking, practice, frozen):
    frozen.move_to(TUESDAY_10 + timedelta(hours=2))
    booking_mark_no_show(booking=booking, reason="nobody came")
    events = BookingEvent.objects.filter(booking=booking).count()
    assert booking_mark_no_show(booking=booking, reason="again").state == BookingState.NO_SHOW
    assert BookingEvent.objects.filter(booking=booking).count() == events

    coach = practice.owner
    booking_complete(booking=booking, actor=coach, role=Role.COACH, reason="by phone")
    booking.refresh_from_db()
    assert booking.state == BookingState.COMPLETED
    event = BookingEvent.objects.filter(booking=booking).latest("pk")
    assert (event.actor, event.actor_role) == (coach, Role.COACH)


def test_a_cancelled_booking_is_neither_completed_nor_a_no_show(booking, client_user, frozen):
    booking_cancel(booking=booking, actor=client_user, role=Role.CLIENT)
    frozen.move_to(TUESDAY_10 + timedelta(hours=2))
    for settle in (booking_complete, booking_mark_no_show):
        with pytest.raises(BookingError):
            settle(booking=booking, reason="scan")
    booking.refresh_from_db()
    assert booking.state == BookingState.CANCELLED
