"""The cookie banner in a real browser: nothing from Google before opt-in, tags after it,
withdrawal from the footer removes them again."""

import re

import pytest

GOOGLE = re.compile(
    r"(^|\.)(google|googletagmanager|google-analytics|doubleclick|googleadservices)\."
)
# Stand-in for gtag.js (no internet here): sets the cookie the real one would set.
FAKE_GTAG = "document.cookie = '_ga=GA1.1.42.42; path=/; max-age=3600';"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def page(browser, live_server, settings):
    settings.PRIVACY_GA_MEASUREMENT_ID = "G-E2ETEST"
    settings.PRIVACY_GOOGLE_ADS_ID = ""
    context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.google_requests = []

    def route(route):
        host = re.sub(r"^https?://([^/:]+).*$", r"\1", route.request.url)
        if GOOGLE.search(host):
            page.google_requests.append(route.request.url)
            return route.fulfill(status=200, content_type="text/javascript", body=FAKE_GTAG)
        return route.continue_()

    page.route("**/*", route)
    page.base = live_server.url
    yield page
    context.close()


def optional_cookies(page):
    return [c["name"] for c in page.context.cookies() if c["name"].startswith(("_ga", "_gcl"))]


def test_reject_all_then_accept_then_withdraw(page):
    page.goto(page.base + "/")
    banner = page.locator("#cookie-banner")
    assert banner.is_visible()
    buttons = [
        banner.get_by_role("button", name="Alle akzeptieren"),
        banner.get_by_role("button", name="Alle ablehnen"),
        banner.get_by_role("link", name="Einstellungen"),
    ]
    boxes = [b.bounding_box() for b in buttons]
    assert len({round(b["height"]) for b in boxes}) == 1, "equal weight: same height"
    assert page.google_requests == [] and optional_cookies(page) == []

    banner.get_by_role("button", name="Alle ablehnen").click()
    page.wait_for_load_state()
    assert not banner.is_visible()
    page.goto(page.base + "/privacy/")
    assert page.locator("script[src*='google-tags.js']").count() == 0
    assert page.google_requests == [] and optional_cookies(page) == []

    # Reopen from the footer (JS opens the banner in place) and accept.
    page.get_by_role("link", name="Cookie-Einstellungen").click()
    assert banner.is_visible()
    banner.get_by_role("button", name="Alle akzeptieren").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("script[src*='google-tags.js'][data-ga-id='G-E2ETEST']").count() == 1
    assert any("googletagmanager.com/gtag/js?id=G-E2ETEST" in u for u in page.google_requests)
    assert optional_cookies(page) == ["_ga"]

    # Withdraw from the footer: tags gone, Google cookie deleted, no further Google requests.
    page.get_by_role("link", name="Cookie-Einstellungen").click()
    banner.get_by_role("button", name="Alle ablehnen").click()
    page.wait_for_load_state("networkidle")
    seen = len(page.google_requests)
    assert page.locator("script[src*='google-tags.js']").count() == 0
    assert optional_cookies(page) == []
    page.reload()
    assert len(page.google_requests) == seen


def test_settings_without_javascript(browser, live_server, settings):
    settings.PRIVACY_GA_MEASUREMENT_ID = "G-E2ETEST"
    context = browser.new_context(java_script_enabled=False, locale="de-DE")
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.locator("#cookie-banner").get_by_role("link", name="Einstellungen").click()
    assert "/privacy/cookies/" in page.url
    form = page.locator("#cookie-settings")
    form.get_by_label("Statistik (Google Analytics)").check()
    form.get_by_role("button", name="Auswahl speichern").click()
    assert page.locator("script[src*='google-tags.js']").count() == 1
    assert not page.locator("#cookie-banner").is_visible()
    context.close()


def test_global_privacy_control_refuses_marketing(browser, live_server, settings):
    settings.PRIVACY_GA_MEASUREMENT_ID = "G-E2ETEST"
    settings.PRIVACY_GOOGLE_ADS_ID = "AW-E2E"
    context = browser.new_context(locale="de-DE", extra_http_headers={"Sec-GPC": "1"})
    page = context.new_page()
    page.route(re.compile(r"https://.*"), lambda route: route.fulfill(status=200, body=""))
    page.goto(live_server.url + "/")
    page.locator("#cookie-banner").get_by_role("button", name="Alle akzeptieren").click()
    page.wait_for_load_state()
    tag = page.locator("script[src*='google-tags.js']")
    assert tag.get_attribute("data-ga-id") == "G-E2ETEST"
    assert tag.get_attribute("data-ads-id") == ""
    context.close()
