"""Twilio Video (coaching/video/twilio.py), faked at the HTTP level: one room per session, in the
EU, with a callback and a timeout; without credentials the twin makes no connection at all."""

import re
from urllib.parse import parse_qs

import pytest
from django.urls import reverse

from tests.video.conftest import (
    ROOMS,
    admitted,
    in_session,
)

pytestmark = pytest.mark.django_db


def test_the_room_is_created_once_in_the_eu_with_a_callback(
    client, booking, client_user, practice, live_video, frozen
):
    in_session(frozen)
    admitted(booking)
    client.force_login(client_user)
    client.post(reverse("video:token", args=[booking.reference]))
    client.force_login(practice.owner)
    client.post(reverse("video:token", args=[booking.reference]))

    creates = [c.request for c in live_video.calls if c.request.url == ROOMS]
    assert len(creates) == 1
    sent = {k: v[0] for k, v in parse_qs(creates[0].body).items()}
    assert sent["Type"] == "group" and sent["MaxParticipants"] == "2"
    assert sent["MediaRegion"] == "de1"
    assert sent["StatusCallback"] == "https://sofadoc.example/webhooks/twilio/video/"
    assert sent["RecordParticipantsOnConnect"] == "false"
    assert re.fullmatch(r"sd-[\w-]{20,}", sent["UniqueName"])
    assert booking.reference not in sent["UniqueName"]
    assert creates[0].req_kwargs["timeout"] == 10  # a hung Twilio never holds the join page


def test_without_credentials_the_demo_twin_makes_no_connection(
    client, booking, client_user, frozen, settings
):
    settings.TWILIO_VIDEO_MODE = "twin"
    in_session(frozen)
    client.force_login(client_user)

    page = client.get(reverse("video:join", args=[booking.reference])).content.decode()
    admitted(booking)
    token = client.post(reverse("video:token", args=[booking.reference])).json()

    assert "no video service is used" in page or "kein Videodienst" in page
    assert token["sandbox"] is True and token["token"] == ""
    assert "twilio-video.min.js" not in page
