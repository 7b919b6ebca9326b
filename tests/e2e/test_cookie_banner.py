"""The cookie banner in a real browser (journey 4): nothing from Google before opt-in, tags after
it, withdrawal from the footer removes them again."""

import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from coaching.practices.services import practice_publish
from tests.e2e.conftest import screenshot
from tests.factories import PracticeFactory, SessionTypeFactory

# Every Google host a page could pull in: tags and ads, but also fonts, maps, videos, images.
GOOGLE = re.compile(
    r"(^|\.)(google|googletagmanager|google-analytics|doubleclick|googleadservices"
    r"|googlesyndication|googleapis|gstatic|googleusercontent|ggpht|youtube|ytimg"
    r"|youtube-nocookie)\."
)
# Stand-in for gtag.js (no internet here): sets the cookie the real one would set.
FAKE_GTAG = "document.cookie = '_ga=GA1.1.42.42; path=/; max-age=3600';"

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser, live_server, settings):
    settings.PRIVACY_GA_MEASUREMENT_ID = "G-E2ETEST"
    settings.PRIVACY_GOOGLE_ADS_ID = ""
    context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.google_requests = []
    page.foreign_requests = []  # any host but the site's own

    def route(route):
        host = urlsplit(route.request.url).hostname or ""
        if GOOGLE.search(host):
            page.google_requests.append(route.request.url)
            return route.fulfill(status=200, content_type="text/javascript", body=FAKE_GTAG)
        if host != urlsplit(live_server.url).hostname and route.request.url.startswith("http"):
            page.foreign_requests.append(route.request.url)
            return route.abort()
        return route.continue_()

    page.route("**/*", route)
    page.base = live_server.url
    yield page
    context.close()


def optional_cookies(page):
    return [c["name"] for c in page.context.cookies() if c["name"].startswith(("_ga", "_gcl"))]


def _browse(page, paths):
    """Open each page as a visitor would; every one must load. Returns the Google addresses the
    pages point resources at (a preconnect or prefetch reaches Google without any request)."""
    pointed = []
    for path in paths:
        response = page.goto(page.base + path)
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
        urls = page.locator("script[src], link[href], img[src], iframe[src], source[src]")
        for url in urls.evaluate_all("els => els.map(e => e.src || e.href)"):
            if GOOGLE.search(urlsplit(url).hostname or ""):
                pointed.append(url)
    return pointed


def test_reject_all_then_accept_then_withdraw(page):
    practice = PracticeFactory(name="Praxis Anna Berg")
    SessionTypeFactory(practice=practice)
    practice_publish(practice=practice, actor=practice.owner)
    site = [
        "/",
        reverse("practices:directory"),
        practice.get_absolute_url(),
        reverse("privacy:policy"),
        reverse("privacy:cookies"),
        reverse("privacy:terms"),
        reverse("impressum"),
        reverse("help"),
        reverse("account_login"),
        reverse("account_signup"),
    ]
    page.goto(page.base + "/")
    banner = page.locator("#cookie-banner")
    expect(banner).to_be_visible()
    screenshot(page, "journey4-01-banner")
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
    expect(banner).to_be_hidden()
    page.goto(page.base + "/privacy/")
    assert page.locator("script[src*='google-tags.js']").count() == 0
    assert page.google_requests == [] and optional_cookies(page) == []
    # Across the site after rejecting: not one request leaves it, to Google or anyone else.
    assert _browse(page, site) == []
    assert page.google_requests == [] and page.foreign_requests == []
    assert optional_cookies(page) == []

    # Reopen from the footer (JS opens the banner in place) and accept.
    page.get_by_role("link", name="Cookie-Einstellungen").click()
    expect(banner).to_be_visible()
    screenshot(page, "journey4-02-banner-from-footer")
    banner.get_by_role("button", name="Alle akzeptieren").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("script[src*='google-tags.js'][data-ga-id='G-E2ETEST']").count() == 1
    assert any("googletagmanager.com/gtag/js?id=G-E2ETEST" in u for u in page.google_requests)
    assert optional_cookies(page) == ["_ga"]
    # The consent holds on the next pages.
    pointed = _browse(page, site[1:3])
    assert any(urlsplit(u).hostname == "www.googletagmanager.com" for u in pointed)
    assert page.locator("script[src*='google-tags.js'][data-ga-id='G-E2ETEST']").count() == 1

    # Withdraw from the footer: tags gone, Google cookie deleted, no further Google requests.
    page.get_by_role("link", name="Cookie-Einstellungen").click()
    banner.get_by_role("button", name="Alle ablehnen").click()
    page.wait_for_load_state("networkidle")
    seen = len(page.google_requests)
    assert page.locator("script[src*='google-tags.js']").count() == 0
    assert optional_cookies(page) == []
    page.reload()
    assert len(page.google_requests) == seen
    # And on the next pages: no tag, no Google cookie, nothing sent to Google.
    assert _browse(page, site[:3]) == []
    assert page.locator("script[src*='google-tags.js']").count() == 0
    assert optional_cookies(page) == [] and len(page.google_requests) == seen
    assert page.foreign_requests == []


def test_settings_without_javascript(browser, live_server, settings):
    settings.PRIVACY_GA_MEASUREMENT_ID = "G-E2ETEST"
    context = browser.new_context(java_script_enabled=False, locale="de-DE")
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.locator("#cookie-banner").get_by_role("link", name="Einstellungen").click()
    assert "/privacy/cookies/" in page.url
    form = page.locator("#cookie-settings")
    form.get_by_label("Statistik (Google Analytics)").check()
    screenshot(page, "journey4-03-settings-page")
    form.get_by_role("button", name="Auswahl speichern").click()
    assert page.locator("script[src*='google-tags.js']").count() == 1
    expect(page.locator("#cookie-banner")).to_be_hidden()
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
