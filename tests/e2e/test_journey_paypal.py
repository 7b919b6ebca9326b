"""A coach on a phone (390 px) connects PayPal through the sandbox twin from the checklist, then
reads the month's earnings. Screenshots: test-artifacts/paypal-*.png and earnings-*.png."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from coaching.payments.models import MerchantAccount
from tests.e2e.conftest import reject_cookies, screenshot
from tests.factories import PracticeFactory, SessionTypeFactory
from tests.payments.ledger import captured, refunded

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone_page_for(signed_in_page, live_server):
    def page_for(user):
        page = signed_in_page(user, viewport=PHONE)
        page.set_default_timeout(10_000)
        page.base = live_server.url
        return page

    return page_for


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_coach_connects_paypal_through_the_twin_on_a_phone(phone_page_for, settings, live_server):
    settings.PAYPAL_MODE = "twin"
    settings.SITE_URL = live_server.url  # PayPal's return leg goes to the public address
    practice = PracticeFactory(merchant=False, name="Praxis Mira Sommer")
    SessionTypeFactory(practice=practice, name="Coaching-Sitzung", price="90.00")
    page = phone_page_for(practice.owner)

    reject_cookies(page, page.base + "/practice/")
    step = page.locator(".checklist-step").filter(has_text="PayPal verbinden")
    expect(step).to_be_visible()
    expect(step).not_to_have_class("is-done")
    screenshot(page, "paypal-checklist-390")
    step.get_by_role("link").click()

    expect(page.get_by_role("heading", name="PayPal verbinden")).to_be_visible()
    expect(page.get_by_text("Nicht verbunden")).to_be_visible()
    assert fits_the_phone(page)
    screenshot(page, "paypal-onboarding-390")
    page.get_by_role("button", name="PayPal verbinden").click()

    expect(page.get_by_role("heading", name="PayPal-Geschäftskonto (Testumgebung)")).to_be_visible()
    screenshot(page, "paypal-twin-signup-390")
    page.get_by_role("button", name="Zustimmen und zurück zu SofaDoc").click()

    expect(page.get_by_text("PayPal ist verbunden.")).to_be_visible()
    expect(page.locator(".badge-success", has_text="Verbunden")).to_be_visible()
    assert fits_the_phone(page)
    screenshot(page, "paypal-connected-390")
    account = MerchantAccount.objects.get(practice=practice)
    assert account.can_receive_payments and account.merchant_id.startswith("TWIN")

    page.goto(page.base + "/practice/")
    expect(
        page.locator(".checklist-step.is-done").filter(has_text="PayPal verbinden")
    ).to_be_visible()


def test_a_coach_reads_the_months_earnings_on_a_phone(phone_page_for):
    practice = PracticeFactory(name="Praxis Mira Sommer")
    for day, gross, name in [
        (3, "90.00", "Coaching-Sitzung"),
        (7, "90.00", "Coaching-Sitzung"),
        (12, "150.00", "Intensiv-Coaching (90 Minuten)"),
        (19, "60.00", "Kurzberatung"),
    ]:
        purchase = captured(
            practice=practice,
            at=datetime(2026, 11, day, 9, tzinfo=UTC),
            gross=Decimal(gross),
            description=name,
        )
    refunded(purchase=purchase, at=datetime(2026, 11, 20, 9, tzinfo=UTC), amount=Decimal("60.00"))
    page = phone_page_for(practice.owner)

    reject_cookies(page, page.base + "/practice/earnings/?month=2026-11")

    expect(page.get_by_role("heading", name="November 2026")).to_be_visible()
    expect(page.get_by_text("Intensiv-Coaching (90 Minuten)")).to_be_visible()
    expect(page.get_by_role("link", name="CSV für Ihre Steuerberatung")).to_be_visible()
    assert fits_the_phone(page)
    screenshot(page, "earnings-390")
