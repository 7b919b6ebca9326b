"""Attendance drives money: the coach absent refunds in full, a no-show follows the practice's
rule (marked by the coach during the session or by the scan after it), and the coach corrects
within 24 hours with a reason. Refunds go through payments to PayPal's fake (HTTP level). The
scan after sessions (coaching/video/attendance.py) settles one booking at a time."""

from datetime import timedelta
from decimal import Decimal

import pytest
import requests
import responses
from django.test import Client
from django.urls import reverse

from coaching.bookings.models import BookingEvent, BookingState, Role
from coaching.bookings.services import BookingError, booking_cancel
from coaching.bookings.signals import booking_cancelled
from coaching.notifications.models import Notification
from coaching.payments.models import RefundStatus
from coaching.video.attendance import SETTLE_TWILIO_FAILURES, attendance_correct
from coaching.video.models import ParticipantEvent, RoomSettings, VideoRoom
from coaching.video.tasks import settle_attendance
from tests.bookings.fixtures import TUESDAY_10
from tests.factories import PaidBookingFactory
from tests.video.conftest import (
    ROOMS,
    coach_was_there,
)

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


def test_a_client_who_never_joined_is_a_no_show_and_the_coach_can_correct_it(
    booking, practice, frozen
):
    coach_was_there(booking)
    frozen.move_to(TUESDAY_10 + timedelta(hours=2))
    settle_attendance.apply()
    booking.refresh_from_db()
    assert booking.state == BookingState.NO_SHOW

    attendance_correct(
        booking=booking, actor=practice.owner, attended=True, reason="joined by phone"
    )
    booking.refresh_from_db()
    assert booking.state == BookingState.COMPLETED


# Settling after sessions: one booking at a time, so Twilio failing for one room leaves that
# booking for the next scan while the others are settled.
@pytest.fixture
def ended(session_type, client_user, paypal, frozen):
    """Sessions on Tuesday at 10:00, 12:00 and 14:00 (Berlin), each with a room at Twilio; the
    client was in the first one. The clock stands after the last one's end."""
    bookings = [
        PaidBookingFactory(session_type=session_type, client=client_user, start=TUESDAY_10 + hours)
        for hours in (timedelta(0), timedelta(hours=2), timedelta(hours=4))
    ]
    for number, booking in enumerate(bookings):
        room = VideoRoom.objects.create(booking=booking, room_sid=f"RM{number}" + "0" * 31)
        ParticipantEvent.objects.create(  # the coach was there every time
            room=room,
            kind="participant-connected",
            role="coach",
            sequence=100,
            occurred_at=booking.start,
        )
        if number == 0:
            for kind, minutes in (("participant-connected", 1), ("participant-disconnected", 50)):
                ParticipantEvent.objects.create(
                    room=room,
                    kind=kind,
                    role="client",
                    sequence=minutes,
                    occurred_at=booking.start + timedelta(minutes=minutes),
                )
    frozen.move_to(TUESDAY_10 + timedelta(hours=6))
    return bookings


def _twilio(live_video, *, down: set[str]):
    """Closing rooms at Twilio: refused connections for the rooms in `down`, fine for others."""
    live_video.reset()
    for room in VideoRoom.objects.all():
        body = requests.ConnectionError("Connection refused") if room.room_sid in down else None
        if body is None:
            live_video.add(responses.POST, f"{ROOMS}/{room.room_sid}", json={"status": "completed"})
        else:
            live_video.add(responses.POST, f"{ROOMS}/{room.room_sid}", body=body)


def _closed_at_twilio(live_video) -> list[str]:
    return [
        c.request.url.rsplit("/", 1)[1]
        for c in live_video.calls
        if not isinstance(c.response, Exception)
    ]


def _states(bookings):
    for booking in bookings:
        booking.refresh_from_db()
    return [booking.state for booking in bookings]


def test_twilio_failing_for_one_room_settles_the_others_and_the_next_scan_that_one(
    ended, live_video, caplog
):
    first, second, third = ended
    _twilio(live_video, down={first.video_room.room_sid})

    assert settle_attendance.apply().get() == 2

    assert _states(ended) == [BookingState.CONFIRMED, BookingState.NO_SHOW, BookingState.NO_SHOW]
    assert VideoRoom.objects.get(booking=first).completed_at is None
    assert _closed_at_twilio(live_video) == [second.video_room.room_sid, third.video_room.room_sid]
    assert f"booking {first.pk} not settled, next scan tries again" in caplog.text
    assert not BookingEvent.objects.filter(booking=first, to_state=BookingState.COMPLETED)

    _twilio(live_video, down=set())  # Twilio is back
    assert settle_attendance.apply().get() == 1

    assert _states(ended)[0] == BookingState.COMPLETED  # the client was there
    assert _closed_at_twilio(live_video) == [first.video_room.room_sid]
    event = BookingEvent.objects.get(booking=first, to_state=BookingState.COMPLETED)
    assert (event.from_state, event.actor_role) == (BookingState.CONFIRMED, Role.SYSTEM)
    assert settle_attendance.apply().get() == 0  # nothing left; no room is closed twice
    assert len(live_video.calls) == 1


def test_with_twilio_down_the_scan_stops_asking_it_but_settles_bookings_without_a_room(
    session_type, client_user, paypal, frozen, request
):
    with_rooms = [
        PaidBookingFactory(
            session_type=session_type,
            client=client_user,
            start=TUESDAY_10 + timedelta(hours=hours),
        )
        for hours in range(SETTLE_TWILIO_FAILURES + 2)
    ]
    for booking in with_rooms:
        VideoRoom.objects.create(booking=booking, room_sid=f"RM{booking.pk:032d}")
    nobody_joined = PaidBookingFactory(
        session_type=session_type, client=client_user, start=TUESDAY_10 + timedelta(days=1)
    )
    # The coach came by phone-only Twilio? No: a room without a Twilio sid, closed already.
    coach_was_there(nobody_joined)
    frozen.move_to(TUESDAY_10 + timedelta(days=2))
    live_video = request.getfixturevalue("live_video")  # after PayPal's fake took the payments
    _twilio(live_video, down={room.room_sid for room in VideoRoom.objects.exclude(room_sid="")})

    assert settle_attendance.apply().get() == 1

    assert len(live_video.calls) == SETTLE_TWILIO_FAILURES  # not once per room
    assert set(_states(with_rooms)) == {BookingState.CONFIRMED}
    assert _states([nobody_joined]) == [BookingState.NO_SHOW]


def test_a_booking_cancelled_before_its_end_is_not_settled(booking, client_user, frozen):
    booking_cancel(booking=booking, actor=client_user, role=Role.CLIENT, reason="")
    frozen.move_to(TUESDAY_10 + timedelta(hours=2))
    assert settle_attendance.apply().get() == 0
    assert _states([booking]) == [BookingState.CANCELLED]
