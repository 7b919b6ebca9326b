"""Twilio Programmable Video, and the only module that talks to it.

"live": rooms through the `twilio` package (REST over `requests`, so tests fake it with
`responses`) and real access tokens. "twin": no Twilio at all, for the demo without credentials;
the join page then shows the local preview and says that no connection is made.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.jwt.access_token import AccessToken
from twilio.jwt.access_token.grants import VideoGrant
from twilio.request_validator import RequestValidator
from twilio.rest import Client

logger = logging.getLogger(__name__)

ROOM_EXISTS = 53113  # "Room exists": a room with this unique name is in progress


class VideoError(Exception):
    """Twilio could not do it now (unreachable, slow, or failing on its side): try again later."""


# Network failures and timeouts (TWILIO_HTTP_TIMEOUT) from `requests`, and a body that is not
# Twilio's JSON (an error page of a proxy on the way).
UNREACHABLE = (requests.RequestException, ValueError)


@dataclass(frozen=True)
class Room:
    sid: str
    unique_name: str


def mode() -> str:
    chosen = settings.TWILIO_VIDEO_MODE
    if chosen not in ("live", "twin"):
        raise ImproperlyConfigured("TWILIO_VIDEO_MODE must be live or twin.")
    return chosen


def ensure_room(*, unique_name: str, status_callback: str) -> Room:
    """The group room for a booking: created on first join, the running one reused after."""
    if mode() == "twin":
        return Room(sid=f"RM-twin-{unique_name[-8:]}", unique_name=unique_name)
    client = _client()
    try:
        try:
            room = client.video.v1.rooms.create(
                unique_name=unique_name,
                type="group",
                max_participants=2,
                media_region=settings.TWILIO_MEDIA_REGION,
                status_callback=status_callback,
                status_callback_method="POST",
                empty_room_timeout=settings.TWILIO_EMPTY_ROOM_TIMEOUT_MINUTES,
                unused_room_timeout=settings.TWILIO_EMPTY_ROOM_TIMEOUT_MINUTES,
                record_participants_on_connect=False,
            )
        except TwilioRestException as error:
            if error.code != ROOM_EXISTS:
                raise
            room = client.video.v1.rooms(unique_name).fetch()
    except TwilioRestException as error:
        logger.warning("twilio room create failed: HTTP %s, code %s", error.status, error.code)
        raise VideoError(f"HTTP {error.status}, code {error.code}") from error
    except UNREACHABLE as error:
        logger.warning("twilio unreachable creating a room: %s", type(error).__name__)
        raise VideoError(type(error).__name__) from error
    return Room(sid=room.sid, unique_name=room.unique_name)


def complete_room(*, room_sid: str) -> None:
    """End the room at Twilio. A room Twilio refuses to end (4xx: not found, already over)
    counts as ended; raises VideoError when Twilio is unreachable, slow or failing (5xx, 429),
    so the caller tries again later."""
    if mode() == "twin" or not room_sid:
        return
    try:
        _client().video.v1.rooms(room_sid).update(status="completed")
    except TwilioRestException as error:
        if error.status >= 500 or error.status == 429:
            logger.warning("twilio room %s not completed: HTTP %s", room_sid, error.status)
            raise VideoError(f"HTTP {error.status}, code {error.code}") from error
        logger.info("twilio room %s not completed: %s", room_sid, error.code)
    except UNREACHABLE as error:
        logger.warning("twilio unreachable completing room %s: %s", room_sid, type(error).__name__)
        raise VideoError(type(error).__name__) from error


def access_token(*, identity: str, room_name: str | None, ttl: timedelta) -> str:
    """A token for this one room and this pseudonymous identity, valid for `ttl`; without a room
    it is good only for Twilio's preflight test (a connection check before joining)."""
    if mode() == "twin":
        return ""
    token = AccessToken(
        settings.TWILIO_ACCOUNT_SID,
        settings.TWILIO_API_KEY_SID,
        settings.TWILIO_API_KEY_SECRET,
        identity=identity,
        ttl=int(ttl.total_seconds()),
    )
    token.add_grant(VideoGrant(room=room_name) if room_name else VideoGrant())
    return token.to_jwt()


def signature_is_valid(*, url: str, params: dict, signature: str) -> bool:
    """Twilio signs the full public URL plus the sorted POST parameters with the auth token."""
    if mode() == "twin" or not settings.TWILIO_AUTH_TOKEN:
        return False
    return RequestValidator(settings.TWILIO_AUTH_TOKEN).validate(url, params, signature)


def _client() -> Client:
    if not (settings.TWILIO_ACCOUNT_SID and settings.TWILIO_AUTH_TOKEN):
        raise ImproperlyConfigured("TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are required.")
    return Client(
        settings.TWILIO_ACCOUNT_SID,
        settings.TWILIO_AUTH_TOKEN,
        http_client=TwilioHttpClient(timeout=settings.TWILIO_HTTP_TIMEOUT),
    )
