"""The join page in a real browser, in demo mode, with Chromium's fake camera."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from coaching.bookings.models import Booking, BookingState
from tests.e2e.conftest import screenshot
from tests.factories import PracticeFactory, SessionTypeFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def session_now():
    """A confirmed session that started a few minutes ago, so the room is open."""
    practice = PracticeFactory()
    session_type = SessionTypeFactory(practice=practice)
    start = timezone.now() - timedelta(minutes=5)
    return Booking.objects.create(
        practice=practice,
        session_type=session_type,
        client=UserFactory(display_name="Jonas"),
        state=BookingState.CONFIRMED,
        start=start,
        end=start + timedelta(minutes=60),
        blocked_start=start,
        blocked_end=start + timedelta(minutes=60),
        session_name="Coaching-Sitzung",
        price=Decimal("80"),
        cancellation_window_hours=24,
    )


def test_the_client_sees_their_camera_preview_and_joins_the_demo_room(
    signed_in_page, live_server, session_now, settings
):
    settings.TWILIO_VIDEO_MODE = "twin"
    page = signed_in_page(session_now.client)

    page.goto(live_server.url + reverse("video:join", args=[session_now.reference]))

    page.wait_for_function(
        "() => { const v = document.getElementById('local-preview');"
        " return v && v.readyState >= 2 && !v.paused && v.videoWidth > 0; }",
        timeout=15000,
    )
    assert page.locator("#camera option").count() >= 1
    expect(page.get_by_text("Ihr Coach ist gleich da.")).to_be_visible()
    expect(page.locator("#sandbox-note")).to_be_visible()
    expect(page.get_by_role("button", name="Verlassen")).to_be_hidden()
    screenshot(page, "video-join-waiting")

    page.get_by_role("button", name="Jetzt beitreten").click()
    page.wait_for_selector("#room.in-session")
    expect(page.get_by_role("button", name="Jetzt beitreten")).to_be_hidden()
    expect(page.get_by_role("button", name="Verlassen")).to_be_visible()
    assert page.locator("#timer").inner_text().startswith("noch")
    page.get_by_role("button", name="Stummschalten").click()
    expect(page.get_by_role("button", name="Stummschaltung aufheben")).to_be_visible()
    screenshot(page, "video-join-in-session")


def test_someone_else_cannot_open_the_room_in_the_browser(signed_in_page, live_server, session_now):
    page = signed_in_page(UserFactory())
    response = page.goto(live_server.url + reverse("video:join", args=[session_now.reference]))
    assert response.status == 404
