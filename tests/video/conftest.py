"""Twilio Video faked at the HTTP level (rooms created and completed), shared by the video tests."""

import json
import re
from datetime import timedelta
from urllib.parse import parse_qs

import pytest
import responses

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
