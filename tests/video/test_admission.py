"""The waiting room on the server: the client's token only after the coach lets them in (or at
the start, if the coach chose that), one browser per side, and every refusal changes nothing."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from coaching.bookings.models import BookingEvent
from coaching.video.models import RoomSeat, RoomSettings, VideoRoom
from tests.bookings.fixtures import TUESDAY_10
from tests.factories import UserFactory
from tests.video.conftest import in_session

pytestmark = pytest.mark.django_db


def _url(name, booking):
    return reverse(f"video:{name}", args=[booking.reference])


@pytest.fixture
def coach_browser(practice):
    browser = Client()
    browser.force_login(practice.owner)
    return browser


@pytest.fixture
def client_browser(client_user):
    browser = Client()
    browser.force_login(client_user)
    return browser


def test_a_waiting_client_gets_no_token_until_the_coach_lets_them_in(
    booking, coach_browser, client_browser, frozen, caplog
):
    in_session(frozen, -5)  # early: the room is open, the session has not started

    assert client_browser.post(_url("wait", booking)).json() == {"admitted": False}
    refused = client_browser.post(_url("token", booking))
    assert refused.status_code == 403 and refused.json()["waiting"] is True
    assert "token refused" in caplog.text
    assert not VideoRoom.objects.get().room_sid  # no room at Twilio for a waiting client

    status = coach_browser.post(_url("status", booking)).json()
    assert status["other"]["waiting"] is True and status["admitted"] is False

    assert coach_browser.post(_url("admit", booking)).json() == {"admitted": True}
    assert client_browser.post(_url("status", booking)).json()["admitted"] is True
    token = client_browser.post(_url("token", booking))
    assert token.status_code == 200 and token.json()["sandbox"] is True
    assert BookingEvent.objects.filter(
        booking=booking, reason="client admitted to the room", actor_role="coach"
    ).exists()


def test_the_client_cannot_admit_themselves(booking, client_browser, frozen, caplog):
    in_session(frozen)
    client_browser.post(_url("wait", booking))

    assert client_browser.post(_url("admit", booking)).status_code == 404
    assert "admit refused for the client" in caplog.text
    assert VideoRoom.objects.get().client_admitted_at is None
    assert client_browser.post(_url("token", booking)).status_code == 403


def test_with_auto_admit_the_client_comes_in_at_the_start_time(
    booking, practice, client_browser, frozen
):
    RoomSettings.objects.create(practice=practice, auto_admit=True)
    in_session(frozen, -5)
    assert client_browser.post(_url("wait", booking)).json() == {"admitted": False}
    in_session(frozen, 0)
    assert client_browser.post(_url("token", booking)).status_code == 200
    room = VideoRoom.objects.get()
    assert room.admitted_automatically and room.client_admitted_at == TUESDAY_10
    assert BookingEvent.objects.filter(
        booking=booking, reason="client admitted to the room automatically"
    ).exists()


@pytest.mark.parametrize("minutes", [-11, 60])
def test_outside_the_window_nothing_is_handed_out(
    booking, coach_browser, client_browser, frozen, minutes
):
    in_session(frozen, minutes)
    for browser, name in (
        (client_browser, "wait"),
        (coach_browser, "admit"),
        (coach_browser, "token"),
    ):
        response = browser.post(_url(name, booking))
        assert response.status_code == 403, name
        assert response.json()["error"]
    assert not VideoRoom.objects.exists() and not RoomSeat.objects.exists()


def test_nobody_else_reaches_the_waiting_room(booking, frozen):
    in_session(frozen)
    stranger = Client()
    stranger.force_login(UserFactory())
    for name in ("wait", "admit", "status", "leave", "no_show", "twin_chat", "token"):
        assert stranger.post(_url(name, booking)).status_code == 404, name
    assert not VideoRoom.objects.exists()


def test_a_second_browser_is_refused_while_the_first_is_in_the_room(
    booking, practice, coach_browser, frozen, caplog
):
    in_session(frozen)
    assert coach_browser.post(_url("token", booking)).status_code == 200
    second = Client()
    second.force_login(practice.owner)

    refused = second.post(_url("token", booking))

    assert refused.status_code == 409 and "anderen Browser" in refused.json()["error"]
    assert "second browser refused" in caplog.text
    assert second.post(_url("status", booking)).json()["holds_seat"] is False
    # The first browser comes back after a dropped network: it keeps its place.
    assert coach_browser.post(_url("token", booking)).status_code == 200
    # Once it leaves (or is silent for longer than a closed lid), the second may come in.
    coach_browser.post(_url("leave", booking))
    assert second.post(_url("token", booking)).status_code == 200


def test_a_silent_browser_frees_its_seat_after_a_while(booking, practice, coach_browser, frozen):
    in_session(frozen)
    coach_browser.post(_url("token", booking))
    frozen.shift(timedelta(seconds=41))
    second = Client()
    second.force_login(practice.owner)
    assert second.post(_url("token", booking)).status_code == 200


def test_the_other_side_reads_reconnecting_while_a_page_is_silent(
    booking, coach_browser, client_browser, frozen
):
    in_session(frozen)
    coach_browser.post(_url("admit", booking))
    client_browser.post(_url("token", booking))
    coach_browser.post(_url("token", booking))
    assert coach_browser.post(_url("status", booking)).json()["other"]["present"] is True

    frozen.shift(timedelta(seconds=10))  # the client's network is gone
    other = coach_browser.post(_url("status", booking)).json()["other"]
    assert other == {"present": False, "reconnecting": True, "waiting": False, "net": None}

    assert client_browser.post(_url("status", booking)).json()["holds_seat"] is True  # back
    assert coach_browser.post(_url("status", booking)).json()["other"]["present"] is True
