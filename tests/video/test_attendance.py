"""Attendance drives money: the coach absent refunds in full, a no-show follows the practice's
rule (marked by the coach during the session or by the scan after it), and the coach corrects
within 24 hours with a reason. Refunds go through payments to PayPal's fake (HTTP level)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from coaching.bookings.models import BookingEvent, BookingState, Role
from coaching.bookings.services import BookingError
from coaching.bookings.signals import booking_cancelled
from coaching.notifications.models import Notification
from coaching.payments.models import RefundStatus
from coaching.video.attendance import attendance_correct
from coaching.video.models import ParticipantEvent, RoomSettings, VideoRoom
from coaching.video.tasks import settle_attendance
from tests.bookings.fixtures import TUESDAY_10

pytestmark = pytest.mark.django_db


def _joined(booking, *roles, minutes=1):
    room, _new = VideoRoom.objects.get_or_create(
        booking=booking, defaults={"completed_at": booking.end}
    )
    for number, role in enumerate(roles, start=room.events.count() + 1):
        ParticipantEvent.objects.create(
            room=room,
            kind="participant-connected",
            role=role,
            sequence=number,
            occurred_at=TUESDAY_10 + timedelta(minutes=minutes),
        )


def _refunds(booking, paypal):
    return (
        [(r.amount, r.status) for r in booking.refunds.order_by("pk")],
        len(paypal.requests_to("/refund")),
    )


def test_a_coach_who_never_came_refunds_the_client_in_full_and_tells_both(
    booking, paypal, frozen, received, django_capture_on_commit_callbacks
):
    cancelled = received(booking_cancelled)
    _joined(booking, "client")
    frozen.move_to(TUESDAY_10 + timedelta(hours=2))

    with django_capture_on_commit_callbacks(execute=True):
        assert settle_attendance.apply().get() == 1

    booking.refresh_from_db()
    assert booking.state == BookingState.CANCELLED and booking.cancelled_by == Role.COACH
    assert _refunds(booking, paypal) == ([(Decimal("80.00"), RefundStatus.COMPLETED)], 1)
    assert cancelled == []  # the session is over: no cancellation message, this one instead
    told = Notification.objects.filter(kind="video_coach_absent", channel="email")
    assert {n.recipient for n in told} == {booking.client, booking.practice.owner}
    event = BookingEvent.objects.get(booking=booking, to_state=BookingState.CANCELLED)
    assert event.actor_role == Role.SYSTEM and "video room" in event.reason
    assert settle_attendance.apply().get() == 0  # once
    assert _refunds(booking, paypal)[1] == 1


def test_a_no_show_follows_the_practices_rule(booking, practice, paypal, frozen):
    RoomSettings.objects.create(practice=practice, no_show_refund_percent=25)
    _joined(booking, "coach")
    frozen.move_to(TUESDAY_10 + timedelta(hours=2))

    settle_attendance.apply()

    booking.refresh_from_db()
    assert booking.state == BookingState.NO_SHOW
    assert _refunds(booking, paypal) == ([(Decimal("20.00"), RefundStatus.COMPLETED)], 1)


def test_without_a_rule_a_no_show_refunds_nothing(booking, paypal, frozen):
    _joined(booking, "coach")
    frozen.move_to(TUESDAY_10 + timedelta(hours=2))
    settle_attendance.apply()
    booking.refresh_from_db()
    assert booking.state == BookingState.NO_SHOW and _refunds(booking, paypal) == ([], 0)


def test_both_there_is_completed_without_money_moving(booking, paypal, frozen):
    _joined(booking, "coach", "client")
    frozen.move_to(TUESDAY_10 + timedelta(hours=2))
    settle_attendance.apply()
    booking.refresh_from_db()
    assert booking.state == BookingState.COMPLETED and _refunds(booking, paypal) == ([], 0)


def test_the_coach_marks_a_no_show_once_the_client_is_15_minutes_late(
    booking, practice, paypal, frozen
):
    RoomSettings.objects.create(practice=practice, no_show_refund_percent=50)
    _joined(booking, "coach", minutes=0)
    coach = Client()
    coach.force_login(practice.owner)
    url = reverse("video:no_show", args=[booking.reference])

    frozen.move_to(TUESDAY_10 + timedelta(minutes=14))
    status = coach.post(reverse("video:status", args=[booking.reference])).json()
    assert status["can_mark_no_show"] is False
    assert coach.post(url).status_code == 409
    booking.refresh_from_db()
    assert booking.state == BookingState.CONFIRMED

    frozen.move_to(TUESDAY_10 + timedelta(minutes=15))
    assert coach.post(reverse("video:status", args=[booking.reference])).json()["can_mark_no_show"]
    assert coach.post(url).json() == {"state": "no_show"}
    assert coach.post(url).status_code == 409  # once
    booking.refresh_from_db()
    assert booking.state == BookingState.NO_SHOW
    assert _refunds(booking, paypal) == ([(Decimal("40.00"), RefundStatus.COMPLETED)], 1)
    event = BookingEvent.objects.get(booking=booking, to_state=BookingState.NO_SHOW)
    assert (event.actor, event.actor_role) == (practice.owner, Role.COACH)


def test_the_coach_corrects_within_24_hours_with_a_reason_and_it_is_logged(
    booking, practice, paypal, frozen
):
    RoomSettings.objects.create(practice=practice, no_show_refund_percent=50)
    _joined(booking, "coach", "client")
    frozen.move_to(TUESDAY_10 + timedelta(hours=1, minutes=5))
    settle_attendance.apply()
    booking.refresh_from_db()
    assert booking.state == BookingState.COMPLETED

    with pytest.raises(BookingError):
        attendance_correct(booking=booking, actor=practice.owner, attended=False, reason=" ")
    attendance_correct(booking=booking, actor=practice.owner, attended=False, reason="kam nicht")
    booking.refresh_from_db()
    assert booking.state == BookingState.NO_SHOW
    assert _refunds(booking, paypal) == ([(Decimal("40.00"), RefundStatus.COMPLETED)], 1)
    event = BookingEvent.objects.get(booking=booking, to_state=BookingState.NO_SHOW)
    assert event.reason == "corrected by coach: kam nicht" and event.actor == practice.owner

    # Back to completed: the refund already made is not taken back.
    attendance_correct(booking=booking, actor=practice.owner, attended=True, reason="doch da")
    booking.refresh_from_db()
    assert booking.state == BookingState.COMPLETED
    assert _refunds(booking, paypal)[1] == 1

    frozen.move_to(TUESDAY_10 + timedelta(hours=27))  # 24 h after the last decision
    with pytest.raises(BookingError):
        attendance_correct(booking=booking, actor=practice.owner, attended=False, reason="x")
    booking.refresh_from_db()
    assert booking.state == BookingState.COMPLETED
