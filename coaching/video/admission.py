"""The waiting room and the seats: who may have a token for the room, and from which browser.

A client's token is issued only once the coach has admitted them (or, if the coach chose it, from
the start time on); the check is here, on the server, not in the page. Each side holds one seat:
a second browser of the same person is refused while the first is alive, because Twilio would
otherwise throw the first one out of the room.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils.translation import gettext_lazy as _

from coaching.bookings.models import Booking, BookingState, Role
from coaching.bookings.states import record
from coaching.video.models import RoomSeat, RoomSettings, VideoRoom

logger = logging.getLogger(__name__)

# A seat whose browser has not been heard from for this long is free for another browser;
# pages poll every few seconds, and a lid closed for longer than this simply takes it back.
SEAT_ALIVE = timedelta(seconds=40)
# Until then the other side reads "reconnecting" rather than "left".
PRESENT = timedelta(seconds=6)


class JoinRefused(Exception):
    """A request for the room we refuse; `message` says why, `status` is the HTTP answer."""

    def __init__(self, message, *, status: int = 403, waiting: bool = False):
        super().__init__(str(message))
        self.message = message
        self.status = status
        self.waiting = waiting


def browser_key(session_key: str) -> str:
    """Who the browser is, without keeping its session key."""
    return hashlib.sha256(f"seat:{session_key}".encode()).hexdigest()


def join_window(booking: Booking) -> tuple[datetime, datetime]:
    """From a few minutes before the start until the end of the session."""
    return booking.join_opens_at, booking.end


def check_in_window(booking: Booking, role: str, now: datetime) -> None:
    if role not in (Role.CLIENT, Role.COACH) or booking.state != BookingState.CONFIRMED:
        raise JoinRefused(_("This session cannot be joined."))
    opens, closes = join_window(booking)
    if not opens <= now < closes:
        raise JoinRefused(_("The room is not open now."))


def room_settings(practice_id: int) -> RoomSettings:
    return RoomSettings.objects.filter(practice_id=practice_id).first() or RoomSettings(
        practice_id=practice_id
    )


def locked_room(booking: Booking) -> VideoRoom:
    """The booking's room row, created if need be, locked for the caller's transaction."""
    VideoRoom.objects.get_or_create(booking=booking)
    return VideoRoom.objects.select_for_update().get(booking=booking)


def seat_take(*, room: VideoRoom, role: str, browser: str, now: datetime) -> RoomSeat:
    """This browser takes (or keeps) the side's seat; refuses while another browser holds it."""
    seat = RoomSeat.objects.filter(room=room, role=role).first()
    if seat is None:
        return RoomSeat.objects.create(room=room, role=role, browser=browser, seen_at=now)
    alive = seat.left_at is None and now - seat.seen_at < SEAT_ALIVE
    if seat.browser != browser and alive:
        logger.warning("room %s: second browser refused for the %s", room.pk, role)
        raise JoinRefused(
            _("You are already in this room in another browser or tab. Leave it there first."),
            status=409,
        )
    seat.browser, seat.seen_at, seat.left_at = browser, now, None
    seat.save(update_fields=["browser", "seen_at", "left_at"])
    return seat


def client_admitted(room: VideoRoom, booking: Booking, now: datetime) -> bool:
    """Admitted by the coach, or automatically from the start time if the coach chose that (the
    automatic admission is written down the first time it is seen, with the booking's history)."""
    if room.client_admitted_at is not None:
        return True
    if now >= booking.start and room_settings(booking.practice_id).auto_admit:
        room.client_admitted_at, room.admitted_automatically = now, True
        room.save(update_fields=["client_admitted_at", "admitted_automatically"])
        record(booking, role=Role.SYSTEM, reason="client admitted to the room automatically")
        return True
    return False


def video_wait(*, booking: Booking, browser: str, now: datetime) -> bool:
    """The client arrives in the waiting room (inside the window); returns whether they are
    admitted already. Caller: inside a transaction."""
    check_in_window(booking, Role.CLIENT, now)
    room = locked_room(booking)
    seat_take(room=room, role=Role.CLIENT, browser=browser, now=now)
    if room.client_waiting_since is None:
        room.client_waiting_since = now
        room.save(update_fields=["client_waiting_since"])
    return client_admitted(room, booking, now)


def video_admit(*, booking: Booking, actor, role: str, now: datetime) -> VideoRoom:
    """The coach lets the client in. Anyone else is refused (and it is logged); admitting twice
    changes nothing. Caller: inside a transaction."""
    if role != Role.COACH:
        logger.warning("booking %s: admit refused for the %s", booking.reference, role)
        raise JoinRefused(_("Only the coach can let someone into the room."))
    check_in_window(booking, role, now)
    room = locked_room(booking)
    if room.client_admitted_at is None:
        room.client_admitted_at, room.admitted_automatically = now, False
        room.save(update_fields=["client_admitted_at", "admitted_automatically"])
        record(booking, actor=actor, role=Role.COACH, reason="client admitted to the room")
    return room


def seat_leave(*, booking: Booking, role: str, browser: str, now: datetime) -> bool:
    """This browser leaves its seat (the Leave button); another browser may take it at once."""
    return bool(
        RoomSeat.objects.filter(
            room__booking=booking, role=role, browser=browser, left_at__isnull=True
        ).update(left_at=now)
    )


@dataclass(frozen=True)
class SideState:
    present: bool  # heard from in the last few seconds
    reconnecting: bool  # was there, not heard from lately, has not left
    waiting: bool  # the client is waiting for the coach to let them in


def side_state(booking: Booking, role: str, now: datetime) -> SideState:
    room = VideoRoom.objects.filter(booking=booking).first()
    seat = (
        RoomSeat.objects.filter(room=room, role=role, left_at__isnull=True).first()
        if room is not None
        else None
    )
    if room is None or seat is None:
        return SideState(present=False, reconnecting=False, waiting=False)
    age = now - seat.seen_at
    present = age < PRESENT
    waiting = (
        role == Role.CLIENT
        and room.client_waiting_since is not None
        and room.client_admitted_at is None
        and age < SEAT_ALIVE
    )
    return SideState(
        present=present, reconnecting=not present and age < SEAT_ALIVE, waiting=waiting
    )


def seat_heartbeat(*, booking: Booking, role: str, browser: str, now: datetime) -> bool:
    """The page is alive; False when this browser no longer holds the seat."""
    return bool(
        RoomSeat.objects.filter(
            room__booking=booking, role=role, browser=browser, left_at__isnull=True
        ).update(seen_at=now)
    )


def room_settings_update(*, practice, waiting_note: str, auto_admit: bool, percent: int) -> None:
    """The coach's room choices (the no-show share applies to sessions settled from now on)."""
    if not 0 <= percent <= 100:
        raise ValueError("percent must be 0–100")
    RoomSettings.objects.update_or_create(
        practice=practice,
        defaults={
            "waiting_note": waiting_note,
            "auto_admit": auto_admit,
            "no_show_refund_percent": percent,
        },
    )
