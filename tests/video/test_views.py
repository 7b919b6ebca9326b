"""The join page and its endpoints (coaching/video/views.py): who may join and when, the room token
and the connection check's token, the coach's attendance correction on the booking, Twilio's
signed status callbacks, and the token endpoint when Twilio is unreachable, slow or failing (a
503 in JSON with a message the page shows, nothing stored, and the next try works once Twilio is
back)."""

import json
import re
from datetime import timedelta
from urllib.parse import parse_qs

import jwt
import pytest
import requests
import responses
from django.urls import reverse
from django.utils import timezone
from twilio.request_validator import RequestValidator

from coaching.bookings.models import BookingState
from coaching.video.models import ParticipantEvent, RoomSettings, VideoRoom
from coaching.video.services import video_identity
from coaching.video.tasks import settle_attendance
from tests.bookings.fixtures import TUESDAY_10
from tests.factories import PracticeFactory, StaffFactory, UserFactory
from tests.queries import pinned_queries
from tests.video.conftest import (
    ROOMS,
    admitted,
    browser_for,
    coach_was_there,
    in_session,
    video_url,
)

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


CALLBACK_URL = "https://sofadoc.example/webhooks/twilio/video/"


def test_the_waiting_client_reads_the_coachs_note_and_the_rules(
    booking, practice, client_user, frozen
):
    RoomSettings.objects.create(
        practice=practice, waiting_note="Ich hole Sie gleich.", no_show_refund_percent=30
    )
    in_session(frozen, -5)
    page = browser_for(client_user).get(video_url("join", booking)).content.decode()
    assert "Ich hole Sie gleich." in page
    assert "30 %" in page
    assert 'id="no-recording"' in page and 'aria-live="polite"' in page
    assert (
        "display-capture=(self)"
        in browser_for(client_user).get(video_url("join", booking))["Permissions-Policy"]
    )


def test_before_the_window_nothing_says_the_coach_is_coming(booking, client_user, frozen):
    page = browser_for(client_user).get(video_url("join", booking)).content.decode()
    assert "Check your devices" in page or "Geräte prüfen" in page
    for promise in ("will be with you", "gleich da", "lässt Sie herein", "will let you in"):
        assert promise not in page.split('id="room-messages"')[0], promise
    assert 'id="join"' not in page


def test_the_join_page_takes_a_fixed_number_of_queries(booking, client_user, frozen):
    in_session(frozen)
    browser = browser_for(client_user)
    browser.get(video_url("join", booking))
    # The booking with practice, coach and client; the room settings; what is missing before
    # the session (intake questionnaire, agreement). The session's user comes from Redis.
    with pinned_queries(3):
        assert browser.get(video_url("join", booking)).status_code == 200


AUTH_TOKEN = "auth-token-for-tests"  # the fake Twilio's (tests/video/conftest.py)


def _callback(client, params, *, token=AUTH_TOKEN, url=CALLBACK_URL, tamper=None):
    """Twilio's signed status callback; `tamper` changes the body after signing."""
    signature = RequestValidator(token).compute_signature(url, params)
    body = {**params, **(tamper or {})}
    return client.post(reverse("video:twilio_webhook"), body, HTTP_X_TWILIO_SIGNATURE=signature)


def _joined(room, identity):
    return {
        "StatusCallbackEvent": "participant-connected",
        "RoomName": room.unique_name,
        "ParticipantIdentity": identity,
        "ParticipantSid": "PA1",
        "SequenceNumber": "1",
        "Timestamp": (TUESDAY_10 + timedelta(minutes=1)).isoformat().replace("+00:00", "Z"),
    }


def test_a_forged_participant_callback_is_refused_logged_and_changes_nothing(
    client, booking, live_video, frozen, caplog
):
    room = VideoRoom.objects.create(booking=booking, room_sid="RM1")
    forged = _joined(room, video_identity(booking, "client"))

    assert _callback(client, forged, token="guessed").status_code == 403
    assert "bad signature refused" in caplog.text
    assert not ParticipantEvent.objects.exists()
    # Twilio's, but for someone who is not one of the booking's two parties: not recorded.
    stranger = _joined(room, "client-0000000000000000")
    assert _callback(client, stranger).json() == {"status": "unknown participant"}
    assert not ParticipantEvent.objects.exists()
    frozen.move_to(TUESDAY_10 + timedelta(hours=2))
    booking.refresh_from_db()
    assert booking.state == BookingState.CONFIRMED


def test_client_gets_a_token_for_this_room_only_with_a_pseudonym(
    client, booking, client_user, live_video, frozen
):
    in_session(frozen)
    admitted(booking)
    client.force_login(client_user)

    response = client.post(reverse("video:token", args=[booking.reference]))

    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    data = response.json()
    claims = jwt.decode(data["token"], "api-key-secret-of-32-bytes-or-more!", algorithms=["HS256"])
    grant = claims["grants"]
    assert grant["identity"] == data["identity"] == video_identity(booking, "client")
    assert grant["video"] == {"room": VideoRoom.objects.get().unique_name}
    assert (
        client_user.email not in data["token"] and client_user.display_name not in data["identity"]
    )
    # Short-lived: a rejoin fetches a new one.
    assert claims["exp"] == int((timezone.now() + timedelta(minutes=15)).timestamp())


@pytest.mark.parametrize(("minutes", "status"), [(-11, 403), (-9, 200), (59, 200), (60, 403)])
def test_the_room_opens_ten_minutes_early_and_closes_at_the_end(
    client, booking, practice, live_video, frozen, minutes, status
):
    in_session(frozen, minutes)
    client.force_login(practice.owner)
    assert client.post(reverse("video:token", args=[booking.reference])).status_code == status


def test_outside_the_window_the_page_says_when_it_opens(client, booking, client_user, frozen):
    client.force_login(client_user)
    html = client.get(reverse("video:join", args=[booking.reference])).content.decode()
    assert "09:50" in html  # Berlin time of 10:00 minus ten minutes, in the viewer's zone


def test_nobody_else_reaches_the_room(client, booking, practice, frozen):
    in_session(frozen)
    PracticeFactory(owner=(other_coach := UserFactory()))
    for outsider in (UserFactory(), other_coach, StaffFactory()):
        client.force_login(outsider)
        assert client.get(reverse("video:join", args=[booking.reference])).status_code == 404
        assert client.post(reverse("video:token", args=[booking.reference])).status_code == 404
    client.logout()
    assert client.get(reverse("video:join", args=[booking.reference])).status_code == 302


def _event(room, kind, role, booking, *, minutes, sequence):
    return {
        "StatusCallbackEvent": kind,
        "RoomName": room.unique_name,
        "RoomSid": room.room_sid,
        "ParticipantIdentity": video_identity(booking, role),
        "ParticipantSid": f"PA{role}",
        "SequenceNumber": str(sequence),
        "Timestamp": (TUESDAY_10 + timedelta(minutes=minutes)).isoformat().replace("+00:00", "Z"),
    }


def test_callbacks_are_verified_stored_once_and_give_attendance(
    client, booking, client_user, practice, live_video, frozen
):
    in_session(frozen)
    admitted(booking)
    client.force_login(client_user)
    client.post(reverse("video:token", args=[booking.reference]))
    room = VideoRoom.objects.get()
    joined = _event(room, "participant-connected", "client", booking, minutes=1, sequence=1)

    assert _callback(client, joined).status_code == 200
    assert _callback(client, joined).json()["status"] == "duplicate"
    assert (
        _callback(
            client, {**joined, "SequenceNumber": "2"}, tamper={"RoomName": "other"}
        ).status_code
        == 403
    )
    assert (
        _callback(
            client,
            {**joined, "SequenceNumber": "3"},
            url="https://evil.example/webhooks/twilio/video/",
        ).status_code
        == 403
    )
    _callback(
        client, _event(room, "participant-connected", "coach", booking, minutes=0, sequence=4)
    )
    _callback(
        client, _event(room, "participant-disconnected", "client", booking, minutes=50, sequence=5)
    )
    assert ParticipantEvent.objects.count() == 3

    frozen.move_to(TUESDAY_10 + timedelta(hours=1, minutes=1))
    assert settle_attendance.apply().get() == 1

    booking.refresh_from_db()
    assert booking.state == BookingState.COMPLETED
    assert VideoRoom.objects.get().completed_at is not None
    # The room was completed at Twilio.
    assert any(
        c.request.url.endswith(room.room_sid) and "Status=completed" in c.request.body
        for c in live_video.calls
        if c.request.body
    )


def test_the_connection_check_token_grants_no_room(
    client, booking, client_user, live_video, frozen
):
    client.force_login(client_user)  # a day before the session: checking is allowed any time

    token = client.post(reverse("video:preflight", args=[booking.reference])).json()["token"]

    grants = jwt.decode(token, "api-key-secret-of-32-bytes-or-more!", algorithms=["HS256"])[
        "grants"
    ]
    assert grants["video"] == {}
    assert grants["identity"].endswith("-check")
    client.force_login(UserFactory())
    assert client.post(reverse("video:preflight", args=[booking.reference])).status_code == 404


def test_the_booking_shows_attendance_and_the_coach_corrects_it_there(
    client, booking, practice, client_user, frozen
):
    coach_was_there(booking)
    frozen.move_to(TUESDAY_10 + timedelta(hours=2))
    settle_attendance.apply()
    client.force_login(practice.owner)
    page = client.get(reverse("bookings:detail", args=[booking.reference])).content.decode()
    assert "0 Min." in page or "0 min" in page

    url = reverse("video:attendance", args=[booking.reference])
    client.post(url, {"attended": "1"})  # no reason: refused
    booking.refresh_from_db()
    assert booking.state == BookingState.NO_SHOW
    client.post(url, {"attended": "1", "reason": "joined by phone"})
    booking.refresh_from_db()
    assert booking.state == BookingState.COMPLETED

    client.force_login(client_user)  # only the coach corrects
    assert (
        client.post(
            reverse("video:attendance", args=[booking.reference]), {"attended": "0"}
        ).status_code
        == 404
    )
