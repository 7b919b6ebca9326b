"""The public pages on a 390 px phone and a 1280 px laptop: nothing overflows sideways, the
cookie banner leaves the page usable with both choices equally prominent, the directory's
filters fold away on the phone. Screenshots of each land in test-artifacts/."""

import pytest
from django.urls import reverse

from coaching.practices.services import practice_publish, practice_update
from tests.e2e.conftest import screenshot
from tests.factories import PracticeFactory, SessionTypeFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}
SIDEWAYS = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture
def practice():
    practice = PracticeFactory(slug="anna", name="Praxis Anna Beispiel")
    SessionTypeFactory(practice=practice, name="Kennenlerngespräch", price="0.00")
    practice_publish(practice=practice, actor=practice.owner)
    practice_update(practice=practice, actor=practice.owner, fields={})  # its search document
    return practice


@pytest.fixture
def open_page(browser, live_server):
    contexts = []

    def open_page(path, viewport):
        context = browser.new_context(locale="de-DE", viewport=viewport)
        contexts.append(context)
        page = context.new_page()
        errors = []
        page.on("console", lambda message: message.type == "error" and errors.append(message.text))
        page.goto(live_server.url + path)
        page.console_errors = errors
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390", "1280"])
@pytest.mark.parametrize("name", ["home", "directory", "practice", "impressum", "help"])
def test_public_pages_do_not_overflow_sideways(open_page, practice, viewport, name):
    path = {
        "home": reverse("home"),
        "directory": reverse("practices:directory"),
        "practice": practice.get_absolute_url(),
        "impressum": reverse("impressum"),
        "help": reverse("help"),
    }[name]
    page = open_page(path, viewport)
    if name == "directory":
        assert page.get_by_text("Praxis Anna Beispiel").first.is_visible()
    screenshot(page, f"layout-{name}-{viewport['width']}")
    assert page.evaluate(SIDEWAYS) <= 0
    assert page.console_errors == []


def test_the_cookie_banner_on_a_phone_leaves_most_of_the_screen_and_weighs_both_choices_alike(
    open_page, practice
):
    page = open_page(reverse("practices:directory"), PHONE)
    banner = page.locator("#cookie-banner").bounding_box()
    assert banner["height"] < 0.4 * PHONE["height"]
    accept = page.get_by_role("button", name="Alle akzeptieren").bounding_box()
    reject = page.get_by_role("button", name="Alle ablehnen").bounding_box()
    assert (
        abs(accept["width"] - reject["width"]) < 2 and abs(accept["height"] - reject["height"]) < 2
    )
    assert accept["y"] == reject["y"]  # side by side, not one above the other


def test_the_directory_filters_fold_on_a_phone_and_open_on_a_laptop(open_page, practice):
    phone = open_page(reverse("practices:directory"), PHONE)
    assert phone.locator("details.filters-more").evaluate("d => d.open") is False
    assert phone.get_by_label("Suche").is_visible()
    assert not phone.get_by_label("Sortieren nach").is_visible()
    laptop = open_page(reverse("practices:directory"), LAPTOP)
    assert laptop.locator("details.filters-more").evaluate("d => d.open") is True
    assert laptop.get_by_label("Sortieren nach").is_visible()
