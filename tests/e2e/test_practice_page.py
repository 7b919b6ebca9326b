"""The practice page in a browser at 390x844 and 1280x800: nothing overflows sideways, the next
free time is in the first screen, the day strip shows a picked day's times in place (and
without JavaScript by loading that day), a time can be booked; the phone menu opens.
Screenshots land in test-artifacts/ (practice-after-*.png; PRACTICE_SHOT=before names them for
the comparison with main)."""

import os
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from coaching.practices.services import practice_publish, practice_update
from tests.e2e.conftest import ARTIFACTS, reject_cookies, screenshot
from tests.factories import PracticeFactory, SessionTypeFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}
SIDEWAYS = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
BIO = (
    "Ich begleite Menschen in beruflichen Veränderungen: neue Rolle, Führung, Konflikte im Team. "
    "Seit zwölf Jahren arbeite ich als systemische Coachin, vorher war ich Personalleiterin.\n\n"
    "In der ersten Sitzung klären wir Ihr Anliegen und ob wir gut zusammenarbeiten können."
)


@pytest.fixture
def practice():
    practice = PracticeFactory(
        slug="anna",
        name="Praxis Anna Beispiel",
        headline="Karriere- und Führungscoaching",
        bio=BIO,
        hours=[(day, 8, 18) for day in range(6)],
    )
    SessionTypeFactory(
        practice=practice,
        name="Kennenlerngespräch",
        price="0.00",
        duration_minutes=30,
        description="Zwanzig Minuten, um sich kennenzulernen.",
    )
    SessionTypeFactory(practice=practice, name="Coaching-Sitzung", price="90.00")
    SessionTypeFactory(
        practice=practice, name="Intensiv-Coaching", price="160.00", duration_minutes=120
    )
    # A day off in the strip: shown, but not offered.
    day_off = timezone.localdate() + timedelta(days=2)
    practice.time_off.create(first_day=day_off, last_day=day_off)
    practice_publish(practice=practice, actor=practice.owner)
    practice_update(practice=practice, actor=practice.owner, fields={})
    return practice


@pytest.fixture
def open_page(browser, live_server):
    contexts = []

    def open_page(path, viewport, *, user=None, javascript=True):
        context = browser.new_context(
            locale="de-DE",
            timezone_id="Europe/Berlin",
            viewport=viewport,
            java_script_enabled=javascript,
        )
        contexts.append(context)
        if user is not None:
            from django.test import Client

            client = Client()
            client.force_login(user)
            context.add_cookies(
                [
                    {
                        "name": "sessionid",
                        "value": client.cookies["sessionid"].value,
                        "url": live_server.url,
                    }
                ]
            )
        page = context.new_page()
        page.set_default_timeout(10_000)
        errors = []
        page.on("console", lambda message: message.type == "error" and errors.append(message.text))
        page.on("pageerror", lambda error: errors.append(str(error)))
        reject_cookies(page, live_server.url + path)
        page.console_errors = errors
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390", "1280"])
def test_practice_page_screenshots(open_page, practice, viewport):
    """Runs on main too (PRACTICE_SHOT=before): the page as it was, for the comparison."""
    page = open_page(practice.get_absolute_url(), viewport)
    stage = os.environ.get("PRACTICE_SHOT", "after")
    screenshot(page, f"practice-{stage}-{viewport['width']}")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"practice-{stage}-{viewport['width']}-screen.png"))
    assert page.evaluate(SIDEWAYS) <= 0
    assert page.console_errors == []


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390", "1280"])
def test_the_next_free_time_is_in_the_first_screen(open_page, practice, viewport):
    page = open_page(practice.get_absolute_url(), viewport)

    button = page.locator(".next-slot-button")
    expect(button).to_be_visible()
    box = button.bounding_box()
    assert box["y"] + box["height"] <= viewport["height"]
    assert page.locator(".type-card").count() == 3
    assert page.locator(".day-strip > li").count() == 14
    assert page.locator("a.strip-day").count() < 14  # the day off (and Sundays) not offered
    assert page.evaluate(SIDEWAYS) <= 0
    assert page.console_errors == []


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390", "1280"])
def test_picking_a_day_shows_its_times_in_place_and_one_can_be_booked(
    open_page, practice, viewport
):
    page = open_page(practice.get_absolute_url(), viewport, user=UserFactory())
    page.evaluate("window.stillTheSamePage = true")

    day = page.locator("a.strip-day").nth(2)
    wanted, label = day.get_attribute("data-day"), day.get_attribute("data-label")
    day.click()

    expect(page.locator("[data-day-heading]")).to_have_text(label)
    expect(day).to_have_attribute("aria-current", "true")
    first = page.locator("[data-times] a.slot").first
    expect(first).to_have_text("08:00 diesen Termin buchen")
    assert first.locator("time").get_attribute("datetime").startswith(wanted)
    assert page.evaluate("window.stillTheSamePage") is True  # slots.json, not a new page
    assert f"day={wanted}" in page.url
    screenshot(page, f"practice-day-picked-{viewport['width']}")

    first.click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Buchung bestätigen")).to_be_visible()
    assert "start=" in page.url
    assert page.console_errors == []


def test_without_javascript_a_day_link_renders_that_day(open_page, practice):
    page = open_page(practice.get_absolute_url(), PHONE, javascript=False)

    day = page.locator("a.strip-day").nth(3)
    label = day.get_attribute("data-label")
    day.click()
    page.wait_for_load_state()

    expect(page.locator("[data-day-heading]")).to_have_text(label)
    assert page.locator("[data-times] a.slot").count() > 0
    # The date picker is a plain form: a day beyond the strip loads its own page.
    later = timezone.localdate() + timedelta(days=20)
    page.get_by_label("Anderes Datum").fill(later.isoformat())
    page.get_by_role("button", name="Anzeigen").click()
    page.wait_for_load_state()
    assert f"day={later.isoformat()}" in page.url
    assert page.locator(".strip-day[aria-current]").count() == 1
    expect(page.get_by_role("link", name="Frühere Tage")).to_be_visible()


def test_the_phone_menu_opens_and_the_laptop_shows_the_links(open_page, practice):
    page = open_page(reverse("home"), PHONE, user=UserFactory())
    menu = page.get_by_role("button", name="Menü")
    expect(menu).to_have_attribute("aria-expanded", "false")
    header = page.locator(".site-header")
    expect(header.get_by_role("link", name="Meine Sitzungen")).to_be_hidden()

    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(header.get_by_role("link", name="Meine Sitzungen")).to_be_visible()
    expect(header.get_by_role("link", name="Mein Konto")).to_be_visible()
    screenshot(page, "phone-menu-open-390")
    page.keyboard.press("Escape")
    expect(menu).to_have_attribute("aria-expanded", "false")
    assert page.evaluate(SIDEWAYS) <= 0

    laptop = open_page(reverse("home"), LAPTOP, user=UserFactory())
    expect(laptop.get_by_role("button", name="Menü")).to_be_hidden()
    expect(
        laptop.locator(".site-header").get_by_role("link", name="Meine Sitzungen")
    ).to_be_visible()
    assert page.console_errors == [] and laptop.console_errors == []


def test_the_phone_menu_opens_without_javascript(open_page, practice):
    page = open_page(reverse("home"), PHONE, javascript=False)
    header = page.locator(".site-header")
    expect(header.get_by_role("link", name="Anmelden")).to_be_hidden()
    header.locator("summary", has_text="Menü").click()
    expect(header.get_by_role("link", name="Anmelden")).to_be_visible()
