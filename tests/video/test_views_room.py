"""The room's own endpoints (coaching/video/views_room.py): the twin's chat relay, not relayed when
Twilio is live."""

import pytest

from coaching.video.models import ParticipantEvent, VideoRoom
from tests.video.conftest import browser_for, in_session, video_url

pytestmark = pytest.mark.django_db


def test_chat_passes_both_ways_through_the_twin_and_is_not_stored(
    booking, practice, client_user, frozen, settings
):
    settings.TWILIO_VIDEO_MODE = "twin"
    in_session(frozen)
    coach, client = browser_for(practice.owner), browser_for(client_user)
    assert (
        client.post(video_url("twin_chat", booking), {"text": "Hallo"}).status_code == 409
    )  # not in
    coach.post(video_url("admit", booking))
    coach.post(video_url("token", booking))
    client.post(video_url("token", booking))

    assert client.post(video_url("twin_chat", booking), {"text": "Guten Morgen"}).status_code == 200
    assert coach.post(video_url("twin_chat", booking), {"text": "Hallo Jonas"}).status_code == 200
    assert coach.post(video_url("twin_chat", booking), {"text": "x" * 1001}).status_code == 400

    seen = client.post(video_url("status", booking), {"after": "0"}).json()["chat"]
    assert [(m["from"], m["text"]) for m in seen] == [
        ("client", "Guten Morgen"),
        ("coach", "Hallo Jonas"),
    ]
    assert client.post(video_url("status", booking), {"after": "2"}).json()["chat"] == []
    assert "Guten Morgen" not in str(list(VideoRoom.objects.values()))
    # The twin played the room's events as Twilio would: both joined.
    assert set(ParticipantEvent.objects.values_list("role", "kind")) == {
        ("coach", "participant-connected"),
        ("client", "participant-connected"),
    }
    client.post(video_url("leave", booking))
    assert ParticipantEvent.objects.filter(role="client", kind="participant-disconnected").exists()


def test_chat_is_not_relayed_by_the_server_when_twilio_is_live(
    booking, practice, live_video, frozen
):
    in_session(frozen)
    coach = browser_for(practice.owner)
    coach.post(video_url("token", booking))
    assert coach.post(video_url("twin_chat", booking), {"text": "Hallo"}).status_code == 404
    assert "chat" not in coach.post(video_url("status", booking)).json()
