"""Settling attendance after sessions: one booking at a time, so Twilio failing for one room
leaves that booking for the next scan while the others are settled."""

from datetime import timedelta

import pytest
import requests
import responses

from coaching.bookings.models import BookingEvent, BookingState, Role
from coaching.bookings.services import booking_cancel
from coaching.video.attendance import SETTLE_TWILIO_FAILURES
from coaching.video.models import ParticipantEvent, VideoRoom
from coaching.video.tasks import settle_attendance
from tests.bookings.fixtures import TUESDAY_10, paid_booking
from tests.video.conftest import ROOMS

pytestmark = pytest.mark.django_db


@pytest.fixture
def ended(session_type, client_user, paypal, frozen):
    """Sessions on Tuesday at 10:00, 12:00 and 14:00 (Berlin), each with a room at Twilio; the
    client was in the first one. The clock stands after the last one's end."""
    bookings = [
        paid_booking(
            paypal, client=client_user, session_type=session_type, start=TUESDAY_10 + hours
        )
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
        paid_booking(
            paypal,
            client=client_user,
            session_type=session_type,
            start=TUESDAY_10 + timedelta(hours=hours),
        )
        for hours in range(SETTLE_TWILIO_FAILURES + 2)
    ]
    for booking in with_rooms:
        VideoRoom.objects.create(booking=booking, room_sid=f"RM{booking.pk:032d}")
    nobody_joined = paid_booking(
        paypal, client=client_user, session_type=session_type, start=TUESDAY_10 + timedelta(days=1)
    )
    # The coach came by phone-only Twilio? No: a room without a Twilio sid, closed already.
    coach_only = VideoRoom.objects.create(
        booking=nobody_joined, room_sid="", completed_at=nobody_joined.end
    )
    ParticipantEvent.objects.create(
        room=coach_only,
        kind="participant-connected",
        role="coach",
        sequence=1,
        occurred_at=nobody_joined.start,
    )
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
