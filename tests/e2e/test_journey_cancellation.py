"""Journey 3: the client cancels inside the free-cancellation window and sees the refund; the coach
cancels another session, with the reason the client then reads.

Both sessions are booked and paid in the arrange step (journey 2 covers paying in the browser).
PayPal is faked at the HTTP level (`paypal`): `responses` patches requests process-wide, so the
refund the live server's thread sends goes through the real SDK code into the fake.
"""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from coaching.bookings.models import BookingState
from coaching.payments.models import PaymentStatus
from coaching.practices.selectors import session_type_free_slots
from coaching.practices.services import practice_publish
from tests.bookings.fixtures import paid_booking
from tests.e2e.conftest import reject_cookies, screenshot
from tests.factories import PracticeFactory, SessionTypeFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

REASON = "Ich bin leider krank und muss die Sitzung absagen."


@pytest.fixture
def two_paid_sessions(paypal):
    """Two confirmed, paid sessions of one client with one coach, both days away (a 24-hour
    free-cancellation window, so both are still free to cancel)."""
    practice = PracticeFactory(
        name="Praxis Anna Berg", cancellation_window_hours=24, owner__display_name="Anna Berg"
    )
    session_type = SessionTypeFactory(practice=practice, name="Coaching", price="80.00")
    practice_publish(practice=practice, actor=practice.owner)
    client = UserFactory(display_name="Jonas Keller", email="jonas.keller@example.org")
    soon = timezone.now() + timedelta(days=3)
    slots = session_type_free_slots(
        session_type=session_type, start=soon, end=soon + timedelta(days=7)
    )
    first = paid_booking(paypal, client=client, session_type=session_type, start=slots[0])
    second = paid_booking(paypal, client=client, session_type=session_type, start=slots[-1])
    assert first.state == second.state == BookingState.CONFIRMED
    return first, second


def _refunds_sent(paypal):
    return [json.loads(r.body or "{}") for r in paypal.requests_to("/refund")]


def test_client_cancels_with_refund_and_coach_cancels_with_reason(
    signed_in_page, live_server, paypal, two_paid_sessions
):
    first, second = two_paid_sessions
    coach = first.practice.owner
    client_page = signed_in_page(first.client)
    reject_cookies(client_page, live_server.url + "/")

    # The client opens the first session and sees the refund before confirming.
    client_page.goto(live_server.url + reverse("bookings:detail", args=[first.reference]))
    assert client_page.locator("main .badge").inner_text() == "bestätigt"
    screenshot(client_page, "journey3-01-client-booking")
    client_page.get_by_role("link", name="Sitzung stornieren").click()
    refund_note = client_page.locator(".alert-success").inner_text()
    assert refund_note == "Sie erhalten 80,00\xa0€ vollständig auf Ihr PayPal-Konto erstattet."
    screenshot(client_page, "journey3-02-client-cancel-confirm")
    assert _refunds_sent(paypal) == [], "nothing is refunded before the client confirms"

    client_page.get_by_role("button", name="Sitzung stornieren").click()
    client_page.wait_for_url(f"**{reverse('bookings:detail', args=[first.reference])}")
    assert client_page.locator("main .badge").inner_text() == "storniert"
    expect(client_page.get_by_text("Der volle Betrag wird über PayPal erstattet")).to_be_visible()
    refund_row = client_page.locator("dt:has-text('Erstattung') + dd")
    assert refund_row.inner_text() == "80,00\xa0€ · erstattet"
    screenshot(client_page, "journey3-03-client-cancelled-refunded")
    # The real SDK call reached (fake) PayPal from the live server's thread: the full amount
    # back on the first session's capture, idempotent by request id.
    payment = first.payments.get()
    refund_calls = paypal.requests_to("/refund")
    assert len(refund_calls) == 1
    assert f"/captures/{payment.capture_id}/refund" in refund_calls[0].url
    assert _refunds_sent(paypal)[0]["amount"] == {"value": "80.00", "currency_code": "EUR"}
    assert refund_calls[0].headers["PayPal-Request-Id"] == f"sofadoc-refund-{payment.order_id}-1"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REFUNDED

    # The coach cancels the second session; the reason is required.
    coach_page = signed_in_page(coach)
    reject_cookies(coach_page, live_server.url + "/")
    coach_page.goto(live_server.url + reverse("bookings:detail", args=[second.reference]))
    expect(coach_page.get_by_text("mit Jonas Keller")).to_be_visible()
    coach_page.get_by_role("link", name="Sitzung stornieren").click()
    assert (
        coach_page.locator(".alert-success")
        .inner_text()
        .startswith("Ihre Klientin bzw. Ihr Klient erhält 80,00\xa0€ vollständig")
    )
    screenshot(coach_page, "journey3-04-coach-cancel-form")
    coach_page.get_by_role("button", name="Sitzung stornieren").click()
    reason_field = coach_page.locator(".field", has=coach_page.get_by_label("Grund"))
    assert reason_field.get_by_role("alert").inner_text() == (
        "Bitte teilen Sie Ihrer Klientin oder Ihrem Klienten den Grund mit."
    )
    screenshot(coach_page, "journey3-05-coach-reason-missing")
    second.refresh_from_db()
    assert second.state == BookingState.CONFIRMED and len(paypal.requests_to("/refund")) == 1

    coach_page.get_by_label("Grund").fill(REASON)
    coach_page.get_by_role("button", name="Sitzung stornieren").click()
    coach_page.wait_for_url(f"**{reverse('bookings:detail', args=[second.reference])}")
    assert coach_page.locator("main .badge").inner_text() == "storniert"
    screenshot(coach_page, "journey3-06-coach-cancelled")

    # The client sees the coach's reason and the full refund.
    client_page.goto(live_server.url + reverse("bookings:detail", args=[second.reference]))
    assert client_page.locator("main .badge").inner_text() == "storniert"
    cancelled = client_page.locator("dt:has-text('Storniert') + dd").inner_text()
    assert REASON in cancelled and "Coach" in cancelled
    refund_row = client_page.locator("dt:has-text('Erstattung') + dd")
    assert refund_row.inner_text() == "80,00\xa0€ · erstattet"
    screenshot(client_page, "journey3-07-client-sees-reason-and-refund")
    assert len(paypal.requests_to("/refund")) == 2
    assert f"/captures/{second.payments.get().capture_id}/refund" in (
        paypal.requests_to("/refund")[1].url
    )
