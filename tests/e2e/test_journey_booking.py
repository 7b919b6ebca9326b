"""Journey 2: a client finds a coach in the directory, books a free slot, pays in the PayPal
sandbox, sees the confirmation, gets the confirmation message, and in the join window sees the
own camera preview on the video page.

PayPal: the site runs in PAYPAL_MODE=sandbox (tests/settings.py) with the real SDK; PayPal's REST
API is faked at the HTTP level (`paypal` fixture, `responses` patches `requests` process-wide, so
the live server's thread is covered). The browser is sent to PayPal's approval page on
www.sandbox.paypal.com, which Playwright answers as PayPal would: a page with the order, and on
approval a redirect back to our return URL with the order token. Our return view and the capture
through the SDK stay real.

Time: the clock is moved (time-machine, process-wide, so the live server sees it too) to a
Monday morning in Berlin, so the slots are the same whenever the suite runs; later it is moved
to five minutes before the session, inside the join window.
"""

import json
from datetime import datetime, time, timedelta
from urllib.parse import parse_qs, urlencode, urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from coaching.bookings.models import Booking, BookingState
from coaching.notifications.models import Kind, Notification, Status
from coaching.notifications.tasks import deliver
from coaching.practices.models import Language, Specialty
from coaching.practices.services import practice_publish, practice_update
from tests.e2e.conftest import screenshot
from tests.factories import PracticeFactory, SessionTypeFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BERLIN = ZoneInfo("Europe/Berlin")
PAYPAL_WEB = "https://www.sandbox.paypal.com"


def next_monday_morning() -> datetime:
    """08:50 in Berlin on a Monday at least two days ahead (never back in time: legal texts
    and consents written by the migrations must stay in the past). With an hour's notice the
    first free slot is 10:00."""
    day = timezone.localdate() + timedelta(days=2)
    day += timedelta(days=(7 - day.weekday()) % 7)
    return datetime.combine(day, time(8, 50), tzinfo=BERLIN)


@pytest.fixture
def monday():
    with time_machine.travel(next_monday_morning(), tick=True) as traveller:
        yield traveller


@pytest.fixture
def coach_practice(monday):
    """The practice journey 1 sets up, made directly: Mon-Fri 9-17 Berlin, an hour's notice."""
    practice = PracticeFactory(
        name="Mira Berger Coaching",
        slug="mira-berger",
        headline="Klarheit für Ihre nächste berufliche Entscheidung",
        bio="Ich begleite Menschen in beruflichen Umbrüchen.",
        owner__display_name="Mira",
        min_notice_hours=1,
        buffer_after_minutes=10,
        slot_step_minutes=30,
        cancellation_window_hours=24,
        topics=False,
    )
    # Through the service, as the profile step does: it also writes the search document.
    practice_update(
        practice=practice,
        actor=practice.owner,
        fields={},
        specialties=[Specialty.objects.get(slug="career")],
        languages=[Language.objects.get(code="de")],
    )
    SessionTypeFactory(
        practice=practice, name="Karriere-Coaching", duration_minutes=50, price="90.00"
    )
    # Another published coach, so that finding Mira takes the search and the filter.
    other = PracticeFactory(name="Tom Kaiser Business", slug="tom-kaiser")
    SessionTypeFactory(practice=other, price="60.00")
    practice_update(practice=other, actor=other.owner, fields={})
    for each in (practice, other):
        practice_publish(practice=each, actor=each.owner)
    return practice


@pytest.fixture
def paypal_web(paypal):
    """route(page): answer www.sandbox.paypal.com in `page` as PayPal's approval step would."""

    def return_url(order_id: str) -> str:
        for request in paypal.created_orders():
            body = json.loads(request.body)
            if paypal.by_request_id.get(request.headers["PayPal-Request-Id"]) == order_id:
                return body["payment_source"]["paypal"]["experience_context"]["return_url"]
        raise AssertionError(f"no order {order_id} was created")

    def handle(route):
        url = urlsplit(route.request.url)
        token = parse_qs(url.query).get("token", [""])[0]
        if url.path == "/checkoutnow" and token in paypal.orders:
            amount = paypal.orders[token]["unit"]["amount"]
            body = (
                "<!doctype html><html lang='de'><head><meta charset='utf-8'>"
                "<title>PayPal Sandbox</title></head>"
                "<body style='font-family:sans-serif;max-width:32rem;margin:3rem auto'>"
                "<h1>PayPal Sandbox</h1>"
                f"<p>Bestellung {token}: <strong>{amount['value']} {amount['currency_code']}"
                "</strong></p>"
                f"<a href='{PAYPAL_WEB}/e2e/approve?token={token}'>Zustimmen und zahlen</a>"
                "</body></html>"
            )
            return route.fulfill(status=200, content_type="text/html", body=body)
        if url.path == "/e2e/approve" and token in paypal.orders:
            paypal.approve(token)
            back = f"{return_url(token)}?{urlencode({'token': token, 'PayerID': 'E2EPAYER'})}"
            return route.fulfill(status=302, headers={"Location": back})
        return route.fulfill(status=404, body="not part of the fake")

    def route(page):
        page.route(f"{PAYPAL_WEB}/**", handle)

    return route


def deliver_queued() -> list[str]:
    """What the worker does with the `deliver` tasks the site enqueued after its commits."""
    queued = Notification.objects.filter(status=Status.QUEUED).values_list("pk", flat=True)
    return [deliver.apply(args=[pk]).get() for pk in queued]


def test_a_client_finds_books_pays_and_joins(
    signed_in_page, live_server, coach_practice, paypal, paypal_web, monday, settings
):
    settings.TWILIO_VIDEO_MODE = "twin"
    jonas = UserFactory(display_name="Jonas", email="jonas@example.org")
    page = signed_in_page(jonas)
    page.set_default_timeout(10_000)
    paypal_web(page)
    # A CSP violation (e.g. a blocked redirect to PayPal) shows up here first.
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    # Find the coach: search word plus the specialty filter.
    page.goto(live_server.url + "/")
    page.locator("#cookie-banner").get_by_role("button", name="Alle ablehnen").click()
    page.get_by_role("link", name="Coach finden").click()
    assert page.locator(".practice-list > li").count() == 2
    page.get_by_label("Suche").fill("Karriere")
    page.get_by_label("Schwerpunkt:", exact=True).select_option(label="Karriere & Beruf")
    page.get_by_role("button", name="Coaches anzeigen").click()
    page.wait_for_load_state()
    results = page.locator(".practice-list > li")
    assert results.count() == 1
    assert "Mira Berger Coaching" in results.inner_text()
    screenshot(page, "journey2-01-directory")

    # The practice page shows Monday's free times from 10:00 (an hour's notice).
    results.get_by_role("link", name="Mira Berger Coaching").first.click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Mira Berger Coaching")).to_be_visible()
    first_slot = page.locator("a.slot").first
    assert first_slot.locator("time").inner_text() == "10:00"
    screenshot(page, "journey2-02-practice-slots")

    # Pick it and confirm.
    first_slot.click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Buchung bestätigen")).to_be_visible()
    expect(page.get_by_text("90,00 €").first).to_be_visible()
    screenshot(page, "journey2-03-confirm")
    page.get_by_role("button", name="Mit PayPal bezahlen").click()

    # At PayPal (sandbox): the order for 90.00 EUR waits for approval.
    page.wait_for_url(f"{PAYPAL_WEB}/checkoutnow?token=*")
    expect(page.get_by_text("90.00 EUR")).to_be_visible()
    screenshot(page, "journey2-04-paypal")
    [order] = paypal.created_orders()
    assert json.loads(order.body)["purchase_units"][0]["amount"]["value"] == "90.00"
    page.get_by_role("link", name="Zustimmen und zahlen").click()

    # Back on SofaDoc: captured, confirmed.
    page.wait_for_url(f"{live_server.url}/bookings/*/")
    expect(page.get_by_text("Ihre Sitzung ist gebucht und bezahlt.")).to_be_visible()
    booking = Booking.objects.get(client=jonas)
    assert booking.state == BookingState.CONFIRMED
    assert booking.start == datetime.combine(timezone.localdate(), time(10), tzinfo=BERLIN)
    assert len(paypal.requests_to("/capture")) == 1
    expect(page.get_by_text(booking.reference)).to_be_visible()
    screenshot(page, "journey2-05-booked")

    # The confirmation: queued after the capture's commit, delivered by the real task.
    assert set(deliver_queued()) == {Status.SENT}
    [confirmation] = [m for m in mail.outbox if m.to == [jonas.email]]
    # Who and when, in Jonas's zone.
    assert "Gebucht: Ihre Sitzung mit " in confirmation.subject
    assert f"{booking.start.astimezone(BERLIN):%d.%m.%Y %H:%M}" in confirmation.subject
    assert booking.reference in confirmation.body
    assert (
        Notification.objects.filter(
            recipient=jonas, kind=Kind.BOOKING_CONFIRMED, status=Status.SENT
        ).count()
        == 2
    )  # e-mail and inbox
    page.get_by_role("link", name="Nachrichten").click()
    # The inbox says who and when too.
    message = page.locator(".message-list a", has_text="Gebucht: Ihre Sitzung mit")
    assert message.count() == 1
    screenshot(page, "journey2-06-inbox")
    message.click()
    # The booking's link is a button (to this booking), not a raw address.
    button = page.locator(".message-body a.button", has_text="Ihre Buchung öffnen")
    expect(button).to_be_visible()
    assert booking.reference in button.get_attribute("href")
    screenshot(page, "journey2-06b-message")

    # Five minutes before the start the room is open; the page shows the own camera.
    monday.move_to(booking.start - timedelta(minutes=5))
    page.goto(live_server.url + f"/bookings/{booking.reference}/")
    page.get_by_role("link", name="Jetzt beitreten").click()
    page.wait_for_function(
        "() => { const v = document.getElementById('local-preview');"
        " return v && v.readyState >= 2 && !v.paused && v.videoWidth > 0; }",
        timeout=15_000,
    )
    # The client enters the waiting room themselves; the coach lets them in (the session room's
    # own journey in test_video_join.py goes on from here).
    expect(page.get_by_role("button", name="Raum betreten")).to_be_visible()
    expect(page.get_by_text("Diese Sitzung wird nie aufgezeichnet")).to_be_visible()
    screenshot(page, "journey2-07-join")
    assert errors == []
