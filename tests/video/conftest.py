"""Twilio Video faked at the HTTP level (rooms created and completed), and the helpers the video
tests share: the clock in the session, a room the client was admitted to, the coach's presence,
a signed-in browser."""

import json
import re
from datetime import timedelta
from urllib.parse import parse_qs

import pytest
import responses
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coaching.video.models import ParticipantEvent, VideoRoom
from tests.bookings.fixtures import TUESDAY_10

ACCOUNT = "AC" + "0" * 32
ROOMS = "https://video.twilio.com/v1/Rooms"


@pytest.fixture
def live_video(settings):
    settings.TWILIO_VIDEO_MODE = "live"
    settings.TWILIO_ACCOUNT_SID = ACCOUNT
    settings.TWILIO_AUTH_TOKEN = "auth-token-for-tests"
    settings.TWILIO_API_KEY_SID = "SK" + "1" * 32
    settings.TWILIO_API_KEY_SECRET = "api-key-secret-of-32-bytes-or-more!"
    settings.SITE_URL = "https://sofadoc.example"
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add_callback(responses.POST, ROOMS, callback=_create_room)
        mock.add(
            responses.POST, re.compile(rf"{ROOMS}/RM\w+"), json={"sid": "RM", "status": "completed"}
        )
        yield mock


def _create_room(request):
    form = {k: v[0] for k, v in parse_qs(request.body).items()}
    body = {"sid": "RM" + "2" * 32, "unique_name": form["UniqueName"], "status": "in-progress"}
    return 201, {}, json.dumps(body)


def in_session(frozen, minutes=5):
    frozen.move_to(TUESDAY_10 + timedelta(minutes=minutes))


def admitted(booking):
    """The coach has let the client in (tests/video/test_admission.py covers how)."""
    return VideoRoom.objects.create(booking=booking, client_admitted_at=timezone.now())


def coach_was_there(booking):
    """A finished room in which only the coach connected (at the start)."""
    room = VideoRoom.objects.create(booking=booking, room_sid="", completed_at=booking.end)
    ParticipantEvent.objects.create(
        room=room, kind="participant-connected", role="coach", sequence=1, occurred_at=booking.start
    )


def video_url(name, booking):
    return reverse(f"video:{name}", args=[booking.reference])


def browser_for(user):
    browser = Client()
    browser.force_login(user)
    return browser
