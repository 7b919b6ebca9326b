"""Video rooms: who may join and when, the token, Twilio's room API and callbacks, attendance."""

import re
from datetime import timedelta
from urllib.parse import parse_qs

import jwt
import pytest
from django.urls import reverse
from django.utils import timezone
from twilio.request_validator import RequestValidator

from coaching.bookings.models import BookingState
from coaching.video.attendance import attendance_correct
from coaching.video.models import ParticipantEvent, VideoRoom
from coaching.video.services import video_identity
from coaching.video.tasks import settle_attendance
from tests.bookings.fixtures import TUESDAY_10
from tests.factories import PracticeFactory, StaffFactory, UserFactory
from tests.video.conftest import ROOMS, in_session

pytestmark = pytest.mark.django_db


def _admitted(booking):
    """The coach has let the client in (tests/video/test_admission.py covers how)."""
    return VideoRoom.objects.create(booking=booking, client_admitted_at=timezone.now())


def test_client_gets_a_token_for_this_room_only_with_a_pseudonym(
    client, booking, client_user, live_video, frozen
):
    in_session(frozen)
    _admitted(booking)
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


def test_the_room_is_created_once_in_the_eu_with_a_callback(
    client, booking, client_user, practice, live_video, frozen
):
    in_session(frozen)
    _admitted(booking)
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


def _callback(client, params, *, url="https://sofadoc.example/webhooks/twilio/video/", tamper=None):
    signature = RequestValidator("auth-token-for-tests").compute_signature(url, params)
    body = {**params, **(tamper or {})}
    return client.post(reverse("video:twilio_webhook"), body, HTTP_X_TWILIO_SIGNATURE=signature)


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
    _admitted(booking)
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


def _coach_was_there(booking):
    room = VideoRoom.objects.create(booking=booking, room_sid="", completed_at=booking.end)
    ParticipantEvent.objects.create(
        room=room, kind="participant-connected", role="coach", sequence=1, occurred_at=booking.start
    )


def test_a_client_who_never_joined_is_a_no_show_and_the_coach_can_correct_it(
    booking, practice, frozen
):
    _coach_was_there(booking)
    frozen.move_to(TUESDAY_10 + timedelta(hours=2))
    settle_attendance.apply()
    booking.refresh_from_db()
    assert booking.state == BookingState.NO_SHOW

    attendance_correct(
        booking=booking, actor=practice.owner, attended=True, reason="joined by phone"
    )
    booking.refresh_from_db()
    assert booking.state == BookingState.COMPLETED


def test_the_booking_page_offers_join_now_in_the_window(client, booking, client_user, frozen):
    client.force_login(client_user)
    url = reverse("bookings:detail", args=[booking.reference])
    assert (
        reverse("video:join", args=[booking.reference]) + '">'
        not in client.get(url).content.decode()
    )
    in_session(frozen, -5)
    assert (
        f'href="{reverse("video:join", args=[booking.reference])}"'
        in client.get(url).content.decode()
    )


def test_without_credentials_the_demo_twin_makes_no_connection(
    client, booking, client_user, frozen, settings
):
    settings.TWILIO_VIDEO_MODE = "twin"
    in_session(frozen)
    client.force_login(client_user)

    page = client.get(reverse("video:join", args=[booking.reference])).content.decode()
    _admitted(booking)
    token = client.post(reverse("video:token", args=[booking.reference])).json()

    assert "no video service is used" in page or "kein Videodienst" in page
    assert token["sandbox"] is True and token["token"] == ""
    assert "twilio-video.min.js" not in page


@pytest.mark.parametrize("model", ["videoroom", "participantevent"])
def test_video_models_are_read_only_in_the_admin(staff_client, model):
    assert staff_client.get(reverse(f"admin:video_{model}_changelist")).status_code == 200
    assert staff_client.get(reverse(f"admin:video_{model}_add")).status_code == 403


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
    _coach_was_there(booking)
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
