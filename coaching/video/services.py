"""Joining a session's room, recording what Twilio reports, and settling attendance."""

from __future__ import annotations

import hashlib
import hmac
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coaching.bookings.models import Booking, BookingState, Role
from coaching.video import twilio
from coaching.video.admission import (
    JoinRefused,
    check_in_window,
    client_admitted,
    locked_room,
    seat_leave,
    seat_take,
)
from coaching.video.models import ParticipantEvent, VideoRoom

logger = logging.getLogger(__name__)

# Tokens are for connecting; a rejoin (after a dropped network) fetches a new one.
TOKEN_TTL = timedelta(minutes=15)


@dataclass(frozen=True)
class JoinInfo:
    room_name: str
    identity: str
    token: str
    ends_at: datetime
    sandbox: bool


def video_identity(booking: Booking, role: str) -> str:
    """A pseudonym per booking and side: never an e-mail or a name, not guessable."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"{booking.reference}:{role}".encode(), hashlib.sha256
    ).hexdigest()
    return f"{role}-{digest[:16]}"


def video_join(
    *, booking: Booking, role: str, browser: str, now: datetime | None = None
) -> JoinInfo:
    """Room and token for the booking's client or coach inside the join window.

    The client gets one only once admitted (admission.py); each side from one browser at a time.
    The room is created at Twilio on the first join and reused afterwards; the token is for this
    room only and short-lived (a rejoin fetches a new one). Caller: inside a transaction.
    """
    now = now or timezone.now()
    check_in_window(booking, role, now)
    room = locked_room(booking)
    if role == Role.CLIENT and not client_admitted(room, booking, now):
        raise JoinRefused(_("Your coach will let you in."), status=403, waiting=True)
    seat_take(room=room, role=role, browser=browser, now=now)
    if not room.room_sid:
        created = twilio.ensure_room(
            unique_name=room.unique_name,
            status_callback=settings.SITE_URL + reverse("video:twilio_webhook"),
        )
        room.room_sid = created.sid
        room.save(update_fields=["room_sid"])
    identity = video_identity(booking, role)
    if twilio.mode() == "twin":
        twin_participant_event(room, identity, ParticipantEvent.Kind.CONNECTED, now)
    ttl = min(booking.end + timedelta(minutes=settings.VIDEO_TOKEN_GRACE_MINUTES) - now, TOKEN_TTL)
    return JoinInfo(
        room_name=room.unique_name,
        identity=identity,
        token=twilio.access_token(identity=identity, room_name=room.unique_name, ttl=ttl),
        ends_at=booking.end,
        sandbox=twilio.mode() == "twin",
    )


def video_leave(*, booking: Booking, role: str, browser: str, now: datetime | None = None) -> None:
    """The Leave button: the seat is free; in the demo twin the room reports the departure as
    Twilio would. Caller: inside a transaction."""
    now = now or timezone.now()
    if seat_leave(booking=booking, role=role, browser=browser, now=now) and twilio.mode() == "twin":
        room = locked_room(booking)
        identity = video_identity(booking, role)
        twin_participant_event(room, identity, ParticipantEvent.Kind.DISCONNECTED, now)


def twin_participant_event(room: VideoRoom, identity: str, kind: str, now: datetime) -> str:
    """The demo twin plays Twilio's participant callbacks locally, through the same recording
    path; a repeated join (a reconnect) is one stay. Caller holds the room row locked."""
    last = room.events.filter(role=identity.split("-", 1)[0]).order_by("-sequence").first()
    if last is not None and last.kind == kind:
        return "duplicate"
    sequence = room.events.order_by("-sequence").values_list("sequence", flat=True).first() or 0
    return video_record_event(
        event={
            "StatusCallbackEvent": kind,
            "RoomName": room.unique_name,
            "ParticipantIdentity": identity,
            "ParticipantSid": "PA-twin",
            "ParticipantDuration": None,
            "SequenceNumber": sequence + 1,
            "Timestamp": now,
        }
    )


def video_record_event(*, event: dict) -> str:
    """Store one status callback (once); returns what happened, for the webhook's answer.

    `event` is the cleaned data of a valid RoomCallbackForm (coaching/video/forms.py)."""
    kind = event["StatusCallbackEvent"]
    if kind not in ParticipantEvent.Kind.values:
        return "ignored"
    room = VideoRoom.objects.select_related("booking").filter(unique_name=event["RoomName"]).first()
    if room is None:
        return "unknown room"
    identity = event["ParticipantIdentity"]
    # "coach-…" is six characters before the pseudonym, "client-…" seven: split, not slice.
    role = identity.split("-", 1)[0] if "-" in identity else ""
    role = role if role in (Role.CLIENT, Role.COACH) else ""
    if kind != ParticipantEvent.Kind.ROOM_ENDED and identity != video_identity(room.booking, role):
        # Only the booking's two pseudonyms get tokens; anything else is not ours to record.
        logger.warning("room %s: callback for a stranger's identity ignored", room.pk)
        return "unknown participant"
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


def video_preflight_token(*, booking: Booking, role: str) -> str:
    """A short token for the connection test, any time before the session; no room in it."""
    if role not in (Role.CLIENT, Role.COACH) or booking.state != BookingState.CONFIRMED:
        raise JoinRefused(_("This session cannot be joined."))
    return twilio.access_token(
        identity=f"{video_identity(booking, role)}-check", room_name=None, ttl=timedelta(minutes=5)
    )
