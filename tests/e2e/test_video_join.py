"""The session room in real browsers, in demo mode (the Twilio twin: no Twilio reachable), with
Chromium's fake camera and microphone. Two browser contexts are the coach and the client; they
see each other's presence and chat through the server's twin relay.

Screenshots (desktop 1280 and phone 390) go to test-artifacts/.
"""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from coaching.bookings.models import Booking, BookingState
from coaching.payments.models import RefundStatus
from coaching.practices.selectors import session_type_free_slots
from coaching.practices.services import practice_publish
from coaching.video.models import RoomSettings
from coaching.video.tasks import settle_attendance
from tests.bookings.fixtures import paid_booking
from tests.e2e.conftest import reject_cookies, screenshot
from tests.factories import PracticeFactory, SessionTypeFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 390, "height": 844}
PLAYING = (
    "() => { const v = document.getElementById('local-preview');"
    " return v && v.readyState >= 2 && !v.paused && v.videoWidth > 0; }"
)


@pytest.fixture
def twin(settings):
    settings.TWILIO_VIDEO_MODE = "twin"


def _paid_session(paypal, *, starts_in: timedelta) -> Booking:
    """A paid booking, then placed `starts_in` from now (booked on a free slot, moved by hand:
    a session that is about to start cannot be booked any more)."""
    practice = PracticeFactory(name="Praxis Anna Berg", owner__display_name="Anna Berg")
    session_type = SessionTypeFactory(practice=practice, name="Coaching", price="80.00")
    practice_publish(practice=practice, actor=practice.owner)
    RoomSettings.objects.create(
        practice=practice, waiting_note="Schön, dass Sie da sind – ich hole Sie gleich herein."
    )
    soon = timezone.now() + timedelta(days=3)
    slot = session_type_free_slots(
        session_type=session_type, start=soon, end=soon + timedelta(days=7)
    )[0]
    client = UserFactory(display_name="Jonas Keller")
    booking = paid_booking(paypal, client=client, session_type=session_type, start=slot)
    start = timezone.now() + starts_in
    Booking.objects.filter(pk=booking.pk).update(
        start=start,
        end=start + timedelta(minutes=50),
        blocked_start=start,
        blocked_end=start + timedelta(minutes=50),
    )
    booking.refresh_from_db()
    return booking


def _join(page, live_server, booking):
    reject_cookies(page, live_server.url + "/")  # the banner would cover the screenshots
    page.goto(live_server.url + reverse("video:join", args=[booking.reference]))
    # Chromium pauses a muted video that is out of view; a person looks at it anyway.
    page.locator("#stage").scroll_into_view_if_needed()
    page.wait_for_function(PLAYING, timeout=15000)


def test_the_device_check_before_the_window(signed_in_page, live_server, paypal, twin):
    booking = _paid_session(paypal, starts_in=timedelta(days=2))
    for name, viewport in (("desktop", None), ("phone", PHONE)):
        page = signed_in_page(booking.client, viewport=viewport)
        _join(page, live_server, booking)
        assert page.locator("#camera option").count() >= 1
        expect(page.get_by_text("Der Raum öffnet am")).to_be_visible()
        # Nothing suggests the coach is about to arrive: no waiting text, no way in yet.
        expect(page.locator("#join")).to_have_count(0)
        assert "gleich" not in page.locator("#stage").inner_text()
        expect(page.locator("#no-recording")).to_contain_text("nie aufgezeichnet")

        page.get_by_role("button", name="Testton abspielen").click()
        expect(page.locator("#announce")).to_have_text(
            "Ein Testton wird abgespielt. Hören Sie ihn?"
        )
        page.wait_for_function(
            "() => document.getElementById('mic-level').value > 0", timeout=10000
        )
        page.get_by_role("button", name="Verbindung testen").click()
        expect(page.locator("#preflight-result")).to_contain_text(
            "Ihre Verbindung zu SofaDoc funktioniert"
        )
        screenshot(page, f"video-device-check-{name}")


def test_coach_and_client_meet_wait_admit_chat_and_reconnect(
    signed_in_page, live_server, paypal, twin
):
    booking = _paid_session(paypal, starts_in=timedelta(minutes=5))  # the room is open early
    coach = signed_in_page(booking.practice.owner)
    client = signed_in_page(booking.client, viewport=PHONE)
    _join(coach, live_server, booking)
    _join(client, live_server, booking)

    # The client comes early and waits with their own preview and the coach's note.
    client.get_by_role("button", name="Raum betreten").click()
    expect(client.locator("#waiting-room")).to_be_visible()
    expect(client.locator("#waiting-room")).to_contain_text("ich hole Sie gleich herein")
    expect(client.locator("#announce")).to_have_text(
        "Sie sind im Warteraum. Ihr Coach lässt Sie herein."
    )
    assert not client.locator("#room.in-session").count()
    screenshot(client, "video-waiting-client-phone")

    # The coach sees who waits and lets them in, by keyboard.
    admit = coach.get_by_role("button", name="Jonas Keller hereinlassen")
    expect(admit).to_be_visible(timeout=10000)
    expect(coach.locator("#announce")).to_have_text("Ihr Klient wartet im Warteraum.")
    screenshot(coach, "video-waiting-coach-desktop")
    admit.focus()
    coach.keyboard.press("Enter")
    expect(coach.locator("#announce")).to_have_text("Sie haben Ihren Klienten hereingelassen.")
    client.wait_for_selector("#room.in-session", timeout=10000)
    coach.get_by_role("button", name="Jetzt beitreten").click()
    coach.wait_for_selector("#room.in-session")
    expect(coach.locator("#waiting")).to_have_text("Die andere Seite ist im Raum.", timeout=10000)
    expect(client.locator("#waiting")).to_have_text("Die andere Seite ist im Raum.", timeout=10000)
    assert client.locator("#timer").inner_text().startswith("noch")
    expect(coach.locator("#net-local")).to_have_attribute(
        "aria-label", re.compile("^Verbindungsqualität: ")
    )
    expect(coach.locator("#net-remote")).to_have_attribute(
        "aria-label", re.compile("^Verbindungsqualität: "), timeout=10000
    )

    # Chat both ways; sent with the Enter key from the labelled field.
    client.get_by_label("Nachricht").fill("Guten Morgen, ich bin da.")
    client.get_by_label("Nachricht").press("Enter")
    expect(coach.locator("#chat-log")).to_contain_text("Guten Morgen, ich bin da.", timeout=10000)
    coach.get_by_label("Nachricht").fill("Willkommen, Herr Keller!")
    coach.get_by_role("button", name="Senden").click()
    expect(client.locator("#chat-log")).to_contain_text("Willkommen, Herr Keller!", timeout=10000)
    expect(client.locator("#chat-log li")).to_have_count(2)
    screenshot(coach, "video-session-coach-desktop")
    screenshot(client, "video-session-client-phone")
    _phone_fits(client)

    # The client's network drops: both sides see it, and the client rejoins by itself.
    client.context.set_offline(True)
    expect(client.locator("#announce")).to_have_text(
        "Verbindung wird wiederhergestellt …", timeout=10000
    )
    expect(coach.locator("#waiting")).to_contain_text(
        "Verbindung wird wiederhergestellt", timeout=15000
    )
    screenshot(coach, "video-reconnecting-coach-desktop")
    screenshot(client, "video-reconnecting-client-phone")
    client.context.set_offline(False)
    expect(client.locator("#announce")).to_have_text("Verbindung wiederhergestellt.", timeout=15000)
    expect(coach.locator("#waiting")).to_have_text("Die andere Seite ist im Raum.", timeout=15000)
    client.get_by_label("Nachricht").fill("Wieder da.")
    client.get_by_label("Nachricht").press("Enter")
    expect(coach.locator("#chat-log")).to_contain_text("Wieder da.", timeout=10000)

    _every_control_is_labelled_and_reachable(coach)


def _phone_fits(page):
    """On the phone the picture and the controls fit one screen."""
    page.locator("#stage").scroll_into_view_if_needed()
    box = page.evaluate(
        "() => { const r = document.querySelector('.controls').getBoundingClientRect();"
        " const s = document.getElementById('stage').getBoundingClientRect();"
        " return {bottom: r.bottom, top: s.top, height: window.innerHeight}; }"
    )
    assert box["top"] >= -1 and box["bottom"] <= box["height"], box  # -1: sub-pixel rounding


def _every_control_is_labelled_and_reachable(page):
    unnamed = page.evaluate(
        "() => [...document.querySelectorAll("
        "'#room button:not([hidden]), #room select, #room input')]"
        ".filter(el => el.offsetParent !== null)"
        ".filter(el => !(el.labels && el.labels.length) && !el.textContent.trim()"
        " && !el.getAttribute('aria-label')).map(el => el.id)"
    )
    assert unnamed == []
    assert page.locator("#room [tabindex='-1']").count() == 0
    page.locator("#toggle-audio").focus()
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    # Focus from script is not always ":focus-visible"; reach it by keyboard instead.
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert page.evaluate("() => document.activeElement.id") == "toggle-audio"
    assert outline != "none"
    page.keyboard.press("Enter")
    expect(page.locator("#announce")).to_have_text("Stummschaltung aufheben")


def test_a_coach_who_never_comes_refunds_the_client(signed_in_page, live_server, paypal, twin):
    booking = _paid_session(paypal, starts_in=timedelta(minutes=-2))
    client = signed_in_page(booking.client)
    _join(client, live_server, booking)
    client.get_by_role("button", name="Raum betreten").click()
    expect(client.locator("#waiting-room")).to_be_visible()

    # The session's time passes without the coach: the scan after the end settles it.
    Booking.objects.filter(pk=booking.pk).update(
        start=booking.start - timedelta(hours=1),
        end=booking.end - timedelta(hours=1),
        blocked_start=booking.start - timedelta(hours=1),
        blocked_end=booking.end - timedelta(hours=1),
    )
    assert settle_attendance.apply().get() == 1

    booking.refresh_from_db()
    assert booking.state == BookingState.CANCELLED
    refund = booking.refunds.get()
    assert refund.amount == booking.price and refund.status == RefundStatus.COMPLETED
    client.goto(live_server.url + reverse("bookings:detail", args=[booking.reference]))
    expect(
        client.get_by_text("Der Coach ist nicht in den Videoraum gekommen", exact=False)
    ).to_be_visible()
    expect(client.locator(".facts").last).to_contain_text("Erstattung80,00")
    screenshot(client, "video-coach-absent-refunded-desktop")


def test_someone_else_cannot_open_the_room_in_the_browser(signed_in_page, live_server, paypal):
    booking = _paid_session(paypal, starts_in=timedelta(minutes=5))
    page = signed_in_page(UserFactory())
    response = page.goto(live_server.url + reverse("video:join", args=[booking.reference]))
    assert response.status == 404
