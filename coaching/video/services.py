"""Joining a session's room, recording what Twilio reports, and settling attendance."""

from __future__ import annotations

import hashlib
import hmac
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coaching.bookings.models import Booking, BookingState, Role
from coaching.bookings.services import BookingError, booking_complete, booking_mark_no_show
from coaching.video import twilio
from coaching.video.models import ParticipantEvent, VideoRoom
from coaching.video.selectors import attended_seconds

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    from sofadoc.accounts.models import User


class JoinRefused(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class JoinInfo:
    room_name: str
    identity: str
    token: str
    ends_at: datetime
    sandbox: bool


def join_window(booking: Booking) -> tuple[datetime, datetime]:
    """From a few minutes before the start until the end of the session."""
    return booking.join_opens_at, booking.end


def video_identity(booking: Booking, role: str) -> str:
    """A pseudonym per booking and side: never an e-mail or a name, not guessable."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"{booking.reference}:{role}".encode(), hashlib.sha256
    ).hexdigest()
    return f"{role}-{digest[:16]}"


def video_join(*, booking: Booking, role: str, now: datetime | None = None) -> JoinInfo:
    """Room and token for the booking's client or coach inside the join window.

    The room is created at Twilio on the first join and reused afterwards; the token is for
    this room only and ends a little after the session does.
    """
    now = now or timezone.now()
    if role not in (Role.CLIENT, Role.COACH) or booking.state != BookingState.CONFIRMED:
        raise JoinRefused(_("This session cannot be joined."))
    opens, closes = join_window(booking)
    if not opens <= now < closes:
        raise JoinRefused(_("The room is not open now."))
    with transaction.atomic():
        room, _created = VideoRoom.objects.select_for_update().get_or_create(booking=booking)
        if not room.room_sid:
            created = twilio.ensure_room(
                unique_name=room.unique_name,
                status_callback=settings.SITE_URL + reverse("video:twilio_webhook"),
            )
            room.room_sid = created.sid
            room.save(update_fields=["room_sid"])
    identity = video_identity(booking, role)
    ttl = booking.end + timedelta(minutes=settings.VIDEO_TOKEN_GRACE_MINUTES) - now
    return JoinInfo(
        room_name=room.unique_name,
        identity=identity,
        token=twilio.access_token(identity=identity, room_name=room.unique_name, ttl=ttl),
        ends_at=booking.end,
        sandbox=twilio.mode() == "twin",
    )


def video_record_event(*, event: dict) -> str:
    """Store one status callback (once); returns what happened, for the webhook's answer.

    `event` is the cleaned data of a valid RoomCallbackForm (coaching/video/forms.py)."""
    kind = event["StatusCallbackEvent"]
    if kind not in ParticipantEvent.Kind.values:
        return "ignored"
    room = VideoRoom.objects.filter(unique_name=event["RoomName"]).first()
    if room is None:
        return "unknown room"
    identity = event["ParticipantIdentity"]
    role = identity.split("-", 1)[0] if identity[:7] in ("client-", "coach-") else ""
    occurred = event["Timestamp"]
    try:
        with transaction.atomic():
            ParticipantEvent.objects.create(
                room=room,
                kind=kind,
                role=role,
                participant_sid=event["ParticipantSid"],
                duration_seconds=event["ParticipantDuration"],
                sequence=event["SequenceNumber"],
                occurred_at=occurred,
            )
    except IntegrityError:
        return "duplicate"
    if kind == ParticipantEvent.Kind.ROOM_ENDED:
        VideoRoom.objects.filter(pk=room.pk, completed_at__isnull=True).update(
            completed_at=occurred
        )
    return "stored"


# Settling takes at most this many bookings per scan; the next scan (five minutes on) goes on.
SETTLE_BATCH = 200
# After this many rooms Twilio could not close, the scan stops asking it (each try can wait
# TWILIO_HTTP_TIMEOUT) and settles only the bookings without an open room.
SETTLE_TWILIO_FAILURES = 3


def video_settle(*, now: datetime | None = None) -> int:
    """After a session's end: completed if the client was there, no_show if never; the room is
    closed at Twilio first. Beat runs this every few minutes; returns how many it settled.

    Each booking is settled in its own transaction, so one that fails (Twilio unreachable while
    closing its room) is logged, stays confirmed and is tried again by the next scan, while the
    others are settled."""
    now = now or timezone.now()
    due = Booking.objects.filter(state=BookingState.CONFIRMED, end__lte=now).order_by("end", "pk")
    settled = failures = 0
    for pk in due.values_list("pk", flat=True)[:SETTLE_BATCH]:
        try:
            with transaction.atomic(durable=True):
                settled += _settle_one(pk, now=now, twilio_usable=failures < SETTLE_TWILIO_FAILURES)
        except twilio.VideoError as error:
            failures += 1
            logger.warning("booking %s not settled, next scan tries again: %s", pk, error)
        except BookingError as error:  # changed meanwhile (e.g. cancelled): nothing to settle
            logger.info("booking %s not settled: %s", pk, error)
    return settled


def _settle_one(pk: int, *, now: datetime, twilio_usable: bool) -> int:
    booking = (
        Booking.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("video_room")
        .filter(pk=pk, state=BookingState.CONFIRMED)
        .first()
    )
    if booking is None:  # settled meanwhile, or another scan holds it
        return 0
    room = getattr(booking, "video_room", None)
    if room is not None and room.completed_at is None:
        if not twilio_usable:
            return 0
        twilio.complete_room(room_sid=room.room_sid)
        room.completed_at = now
        room.save(update_fields=["completed_at"])
    reason = "attendance from the video room"
    if attended_seconds(booking, now=now).get(Role.CLIENT):
        booking_complete(booking=booking, reason=reason)
    else:
        booking_mark_no_show(booking=booking, reason=reason)
    return 1


def attendance_correct(*, booking: Booking, actor: User, attended: bool) -> Booking:
    """The coach corrects the automatic verdict (e.g. the client joined by phone)."""
    settle = booking_complete if attended else booking_mark_no_show
    return settle(booking=booking, actor=actor, role=Role.COACH, reason="corrected by coach")


def video_preflight_token(*, booking: Booking, role: str) -> str:
    """A short token for the connection test, any time before the session; no room in it."""
    if role not in (Role.CLIENT, Role.COACH) or booking.state != BookingState.CONFIRMED:
        raise JoinRefused(_("This session cannot be joined."))
    return twilio.access_token(
        identity=f"{video_identity(booking, role)}-check", room_name=None, ttl=timedelta(minutes=5)
    )
