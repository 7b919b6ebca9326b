"""The join page's token endpoint when Twilio is unreachable, slow or failing: a 503 in JSON with
a message the page shows, nothing stored, and the next try works once Twilio is back."""

import json
import re
from urllib.parse import parse_qs

import pytest
import requests
import responses
from django.urls import reverse

from coaching.video.models import VideoRoom
from tests.video.conftest import ROOMS, in_session

pytestmark = pytest.mark.django_db

TWILIO_DOWN = {
    "refused": requests.ConnectionError("Connection refused"),
    "slow": requests.ReadTimeout("Read timed out. (read timeout=10)"),
    "failing": responses.Response(
        responses.POST,
        ROOMS,
        status=503,
        json={"code": 20503, "message": "Service unavailable", "status": 503},
    ),
    "proxy-page": responses.Response(
        responses.POST, ROOMS, status=200, body="<html>Bad gateway</html>"
    ),
}


def _twilio_down(mock, how: str):
    failure = TWILIO_DOWN[how]
    mock.remove(responses.POST, ROOMS)
    if isinstance(failure, Exception):
        mock.add(responses.POST, ROOMS, body=failure)
    else:
        mock.add(failure)


@pytest.mark.parametrize("how", sorted(TWILIO_DOWN))
def test_an_unreachable_twilio_is_a_503_with_a_message_and_nothing_stored(
    client, booking, practice, live_video, frozen, how
):
    in_session(frozen)
    coach = practice.owner  # the coach needs no admission, so the token goes straight to Twilio
    coach.language = "de"
    coach.save(update_fields=["language"])
    client.force_login(coach)
    _twilio_down(live_video, how)
    url = reverse("video:token", args=[booking.reference])

    response = client.post(url)

    assert response.status_code == 503, response.content
    assert response["Content-Type"] == "application/json"
    assert response["Retry-After"] == "30"
    assert response.json() == {
        "error": "Der Videodienst ist gerade nicht erreichbar. "
        "Bitte versuchen Sie es in einer Minute erneut."
    }
    assert [c.request.url for c in live_video.calls] == [ROOMS]  # it did try Twilio
    assert not VideoRoom.objects.exists()  # no half-made room left behind

    live_video.reset()  # Twilio is back: the next try creates the room and answers a token
    live_video.add_callback(responses.POST, ROOMS, callback=_room_created)
    again = client.post(url)
    assert again.status_code == 200 and again.json()["token"]
    assert VideoRoom.objects.get().room_sid == "RM" + "3" * 32


def test_a_running_room_that_cannot_be_fetched_is_a_503_too(
    client, booking, practice, live_video, frozen
):
    in_session(frozen)
    client.force_login(practice.owner)
    live_video.remove(responses.POST, ROOMS)
    live_video.add(
        responses.POST,
        ROOMS,
        status=400,
        json={"code": 53113, "message": "Room exists", "status": 400},
    )
    live_video.add(
        responses.GET,
        re.compile(rf"{ROOMS}/sd-[\w-]+"),
        body=requests.ConnectionError("Connection reset"),
    )

    response = client.post(reverse("video:token", args=[booking.reference]))

    assert response.status_code == 503
    assert "nicht erreichbar" in response.json()["error"]  # the coach reads German


def _room_created(request):
    form = {k: v[0] for k, v in parse_qs(request.body).items()}
    body = {"sid": "RM" + "3" * 32, "unique_name": form["UniqueName"], "status": "in-progress"}
    return 201, {}, json.dumps(body)
