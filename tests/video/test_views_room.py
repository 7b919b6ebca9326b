"""The room's own endpoints: the twin's chat relay, the coach's room settings, forged and
foreign participant callbacks, the join page's promises and its query count."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from twilio.request_validator import RequestValidator

from coaching.bookings.models import BookingState
from coaching.video.models import ParticipantEvent, RoomSettings, VideoRoom
from coaching.video.services import video_identity
from tests.bookings.fixtures import TUESDAY_10
from tests.queries import pinned_queries
from tests.video.conftest import in_session

pytestmark = pytest.mark.django_db
CALLBACK_URL = "https://sofadoc.example/webhooks/twilio/video/"


def _url(name, booking):
    return reverse(f"video:{name}", args=[booking.reference])


def _browser(user):
    browser = Client()
    browser.force_login(user)
    return browser


def test_chat_passes_both_ways_through_the_twin_and_is_not_stored(
    booking, practice, client_user, frozen, settings
):
    settings.TWILIO_VIDEO_MODE = "twin"
    in_session(frozen)
    coach, client = _browser(practice.owner), _browser(client_user)
    assert client.post(_url("twin_chat", booking), {"text": "Hallo"}).status_code == 409  # not in
    coach.post(_url("admit", booking))
    coach.post(_url("token", booking))
    client.post(_url("token", booking))

    assert client.post(_url("twin_chat", booking), {"text": "Guten Morgen"}).status_code == 200
    assert coach.post(_url("twin_chat", booking), {"text": "Hallo Jonas"}).status_code == 200
    assert coach.post(_url("twin_chat", booking), {"text": "x" * 1001}).status_code == 400

    seen = client.post(_url("status", booking), {"after": "0"}).json()["chat"]
    assert [(m["from"], m["text"]) for m in seen] == [
        ("client", "Guten Morgen"),
        ("coach", "Hallo Jonas"),
    ]
    assert client.post(_url("status", booking), {"after": "2"}).json()["chat"] == []
    assert "Guten Morgen" not in str(list(VideoRoom.objects.values()))
    # The twin played the room's events as Twilio would: both joined.
    assert set(ParticipantEvent.objects.values_list("role", "kind")) == {
        ("coach", "participant-connected"),
        ("client", "participant-connected"),
    }
    client.post(_url("leave", booking))
    assert ParticipantEvent.objects.filter(role="client", kind="participant-disconnected").exists()


def test_chat_is_not_relayed_by_the_server_when_twilio_is_live(
    booking, practice, live_video, frozen
):
    in_session(frozen)
    coach = _browser(practice.owner)
    coach.post(_url("token", booking))
    assert coach.post(_url("twin_chat", booking), {"text": "Hallo"}).status_code == 404
    assert "chat" not in coach.post(_url("status", booking)).json()


def test_the_coach_sets_the_waiting_note_auto_admit_and_no_show_rule(practice, client):
    client.force_login(practice.owner)
    url = reverse("video:settings")
    assert client.get(url).status_code == 200
    bad = client.post(url, {"waiting_note": "Bis gleich", "no_show_refund_percent": "150"})
    assert bad.status_code == 400 and not RoomSettings.objects.exists()

    response = client.post(
        url,
        {
            "waiting_note": "Ich hole Sie gleich.",
            "auto_admit": "on",
            "no_show_refund_percent": "50",
        },
    )

    assert response.status_code == 302
    saved = RoomSettings.objects.get(practice=practice)
    assert (saved.waiting_note, saved.auto_admit, saved.no_show_refund_percent) == (
        "Ich hole Sie gleich.",
        True,
        50,
    )


def test_the_waiting_client_reads_the_coachs_note_and_the_rules(
    booking, practice, client_user, frozen
):
    RoomSettings.objects.create(
        practice=practice, waiting_note="Ich hole Sie gleich.", no_show_refund_percent=30
    )
    in_session(frozen, -5)
    page = _browser(client_user).get(_url("join", booking)).content.decode()
    assert "Ich hole Sie gleich." in page
    assert "30 %" in page
    assert 'id="no-recording"' in page and 'aria-live="polite"' in page
    assert (
        "display-capture=(self)"
        in _browser(client_user).get(_url("join", booking))["Permissions-Policy"]
    )


def test_before_the_window_nothing_says_the_coach_is_coming(booking, client_user, frozen):
    page = _browser(client_user).get(_url("join", booking)).content.decode()
    assert "Check your devices" in page or "Geräte prüfen" in page
    for promise in ("will be with you", "gleich da", "lässt Sie herein", "will let you in"):
        assert promise not in page.split('id="room-messages"')[0], promise
    assert 'id="join"' not in page


def test_the_booking_page_shows_the_rules_before_paying(client, practice, client_user, frozen):
    RoomSettings.objects.create(practice=practice, no_show_refund_percent=40)
    client.force_login(client_user)
    session_type = practice.session_types.get()
    page = client.get(
        reverse("bookings:start", args=[practice.slug, session_type.pk])
        + "?start=2026-06-02T08:00:00Z"
    ).content.decode()
    assert "40 %" in page and "full price back automatically" in page


def test_the_join_page_takes_a_fixed_number_of_queries(booking, client_user, frozen):
    in_session(frozen)
    browser = _browser(client_user)
    browser.get(_url("join", booking))
    # The session's user; the booking with practice, coach and client; the room settings; what
    # is missing before the session (intake questionnaire, agreement).
    with pinned_queries(4):
        assert browser.get(_url("join", booking)).status_code == 200


AUTH_TOKEN = "auth-token-for-tests"  # the fake Twilio's (tests/video/conftest.py)


def _callback(client, params, token=AUTH_TOKEN):
    signature = RequestValidator(token).compute_signature(CALLBACK_URL, params)
    return client.post(reverse("video:twilio_webhook"), params, HTTP_X_TWILIO_SIGNATURE=signature)


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
