"""Joining a session's room, recording what Twilio reports, and settling attendance."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coaching.bookings.models import Actor, Booking, BookingState
from coaching.bookings.states import transition
from coaching.video import twilio
from coaching.video.models import ParticipantEvent, VideoRoom
from coaching.video.selectors import attended_seconds


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
    if role not in (Actor.CLIENT, Actor.COACH) or booking.state != BookingState.CONFIRMED:
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


def video_settle(*, now: datetime | None = None) -> int:
    """After a session's end: completed if the client was there, no_show if never; the room is
    closed at Twilio. Beat runs this every few minutes; returns how many it settled."""
    now = now or timezone.now()
    settled = 0
    due = Booking.objects.filter(state=BookingState.CONFIRMED, end__lte=now).select_for_update(
        skip_locked=True, of=("self",)
    )
    with transaction.atomic():
        for booking in due.select_related("video_room")[:200]:
            seconds = attended_seconds(booking, now=now)
            to_state = BookingState.COMPLETED if seconds.get(Actor.CLIENT) else BookingState.NO_SHOW
            transition(booking, to_state, reason="attendance from the video room")
            room = getattr(booking, "video_room", None)
            if room is not None and room.completed_at is None:
                twilio.complete_room(room_sid=room.room_sid)
                room.completed_at = now
                room.save(update_fields=["completed_at"])
            settled += 1
    return settled


def attendance_correct(*, booking: Booking, actor, attended: bool) -> Booking:
    """The coach corrects the automatic verdict (e.g. the client joined by phone)."""
    with transaction.atomic():
        booking = Booking.objects.select_for_update().get(pk=booking.pk)
        target = BookingState.COMPLETED if attended else BookingState.NO_SHOW
        if booking.state != target:
            transition(booking, target, actor=actor, role=Actor.COACH, reason="corrected by coach")
    return booking


def video_preflight_token(*, booking: Booking, role: str) -> str:
    """A short token for the connection test, any time before the session; no room in it."""
    if role not in (Actor.CLIENT, Actor.COACH) or booking.state != BookingState.CONFIRMED:
        raise JoinRefused(_("This session cannot be joined."))
    return twilio.access_token(
        identity=f"{video_identity(booking, role)}-check", room_name=None, ttl=timedelta(minutes=5)
    )
