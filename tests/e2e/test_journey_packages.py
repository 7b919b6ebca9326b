"""Packages in the browser: the offer on the practice page, buying it with a coupon through the
PayPal sandbox (faked at the HTTP level, as in journey 2), and the balance on "Meine Sitzungen";
on a desktop and on a phone. Screenshots: test-artifacts/packages-*.png."""

import json

import pytest
from playwright.sync_api import expect

from coaching.packages.models import ClientPackage, Coupon, ExpiryRule, Package
from tests.e2e.conftest import reject_cookies, screenshot
from tests.e2e.test_journey_booking import PAYPAL_WEB, coach_practice, monday, paypal_web
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Fixtures shared with journey 2 (the coach Mira on a Monday morning, PayPal's approval page).
__all__ = ["coach_practice", "monday", "paypal_web"]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def offer(coach_practice):
    session_type = coach_practice.session_types.get()
    package = Package.objects.create(
        practice=coach_practice,
        session_type=session_type,
        name="Fünferkarte Karriere",
        sessions=5,
        price="400.00",
        validity_days=180,
        expiry_rule=ExpiryRule.REFUND,
    )
    Coupon.objects.create(practice=coach_practice, code="START10", kind="percent", value=10)
    return package


def fits(page, width: int) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_a_client_buys_a_package_with_a_coupon_and_sees_the_balance(
    signed_in_page, live_server, offer, paypal, paypal_web, device
):
    viewport = PHONE if device == "phone" else {"width": 1280, "height": 860}
    jonas = UserFactory(display_name="Jonas", email="jonas@example.org")
    page = signed_in_page(jonas, viewport=viewport)
    page.set_default_timeout(10_000)
    paypal_web(page)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    # The offer beside the single sessions, with the saving per session (90 € alone, 80 € here).
    reject_cookies(page, live_server.url + offer.practice.get_absolute_url())
    card = page.locator(".package-list li", has_text="Fünferkarte Karriere")
    expect(card).to_be_visible()
    expect(card.get_by_text("10,00 €")).to_be_visible()
    card.scroll_into_view_if_needed()
    assert fits(page, viewport["width"])
    screenshot(page, f"packages-01-practice-offer-{device}")

    # The terms before paying, then the coupon: the price with the discount.
    card.get_by_role("link", name="Paket kaufen").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Fünferkarte Karriere")).to_be_visible()
    page.get_by_label("Gutscheincode").fill("start10")
    page.get_by_role("button", name="Einlösen").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Gutschein START10").first).to_be_visible()
    expect(page.get_by_text("360,00 €").first).to_be_visible()
    assert fits(page, viewport["width"])
    screenshot(page, f"packages-02-buy-with-coupon-{device}")
    page.get_by_role("button", name="Mit PayPal bezahlen").click()

    # At PayPal the order is for the lowered price and names the coupon.
    page.wait_for_url(f"{PAYPAL_WEB}/checkoutnow?token=*")
    expect(page.get_by_text("360.00 EUR")).to_be_visible()
    [order] = paypal.created_orders()
    unit = json.loads(order.body)["purchase_units"][0]
    assert unit["amount"]["value"] == "360.00"
    assert "Gutschein START10" in unit["description"]
    page.get_by_role("link", name="Zustimmen und zahlen").click()

    # Back: the package is paid; "Meine Sitzungen" shows the balance and the expiry.
    page.wait_for_url(f"{live_server.url}/packages/*/")
    expect(page.get_by_text("Ihr Paket ist bezahlt.").first).to_be_visible()
    screenshot(page, f"packages-03-package-page-{device}")
    bought = ClientPackage.objects.get(client=jonas)
    assert bought.state == "active"
    page.goto(live_server.url + "/bookings/")
    expect(page.get_by_text("Fünferkarte Karriere").first).to_be_visible()
    expect(page.get_by_text("noch 5 von 5 Sitzungen").first).to_be_visible()
    assert fits(page, viewport["width"])
    screenshot(page, f"packages-04-my-sessions-balance-{device}")
    assert not [e for e in errors if "Content Security Policy" in e]
