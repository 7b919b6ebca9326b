"""Every main page on a 390x844 phone and a 1280x800 laptop, in German: nothing overflows
sideways, the page's primary action is within the first screen, no console error, and axe-core
(tests/e2e/axe, injected by the test only) finds no serious or critical accessibility violation.

One test per width walks all pages and reports every problem at once. Screenshots land in
test-artifacts/page-<name>-<width>.png and axe's full findings (every impact) in
test-artifacts/axe-<width>.json, to look at and compare.
"""

import json
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from coaching.billing.selectors import documents_for_item
from coaching.bookings.models import Booking
from coaching.notifications.selectors import inbox_for
from coaching.practices.selectors import session_type_free_slots
from coaching.practices.services import practice_publish, practice_update
from tests.bookings.fixtures import paid_booking
from tests.e2e.conftest import ARTIFACTS, reject_cookies, screenshot
from tests.factories import DEFAULT_PASSWORD, PracticeFactory, SessionTypeFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}
SIDEWAYS = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
# WCAG 2.x A and AA plus axe's best practices (landmarks, one h1, region); the impacts that fail.
AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => n.target.join(' ') + ' :: ' + n.failureSummary).slice(0, 8)}));
}"""
FAILING = ("serious", "critical")
# Pages another branch of issue 20 is rebuilding right now: their primary action is not yet in
# the first screen at that width. Everything else is checked; once the page passes, the test
# fails until its entry here is removed.
FIRST_SCREEN_PENDING: dict[tuple[str, int], str] = {}
# Nothing (the cookie banner) lies over the middle of the element.
UNCOVERED = """e => { const r = e.getBoundingClientRect();
  return e.contains(document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2)); }"""
PLAYING = (
    "() => { const v = document.getElementById('local-preview');"
    " return v && v.readyState >= 2 && !v.paused && v.videoWidth > 0; }"
)


@dataclass
class Page:
    name: str
    who: str  # "anonymous", "client" or "coach"
    path: str
    primary: tuple[str, ...]  # CSS selectors whose first match must be in the first screen


@pytest.fixture
def twin(settings):
    settings.TWILIO_VIDEO_MODE = "twin"


@pytest.fixture
def world(paypal, celery_eager, twin):
    """A published practice, its client with a paid session starting in five minutes (the join
    window is open), its receipt and the confirmation message in the client's inbox."""
    practice = PracticeFactory(
        name="Praxis Anna Berg",
        slug="anna-berg",
        owner__display_name="Anna Berg",
        owner__language="de",
        headline="Klarheit für Ihre nächste berufliche Entscheidung",
        cancellation_window_hours=24,
    )
    session_type = SessionTypeFactory(
        practice=practice, name="Karriere-Coaching", duration_minutes=50, price="80.00"
    )
    SessionTypeFactory(practice=practice, name="Kennenlerngespräch", price="0.00")
    practice_update(practice=practice, actor=practice.owner, fields={})  # its search document
    practice_publish(practice=practice, actor=practice.owner)
    soon = timezone.now() + timedelta(days=3)
    slots = session_type_free_slots(
        session_type=session_type, start=soon, end=soon + timedelta(days=7)
    )
    client = UserFactory(display_name="Jonas Keller", language="de")
    booking = paid_booking(paypal, client=client, session_type=session_type, start=slots[0])
    # Moved by hand into the join window: a session about to start can no longer be booked.
    start = timezone.now() + timedelta(minutes=5)
    Booking.objects.filter(pk=booking.pk).update(
        start=start,
        end=start + timedelta(minutes=50),
        blocked_start=start,
        blocked_end=start + timedelta(minutes=50),
    )
    booking.refresh_from_db()
    return {
        "practice": practice,
        "session_type": session_type,
        "booking": booking,
        "free_slot": slots[-1],
        "client": client,
        "coach": practice.owner,
    }


def main_pages(world) -> list[Page]:
    practice, booking = world["practice"], world["booking"]
    reference = booking.reference
    receipts = documents_for_item(kind="booking", object_id=booking.pk)
    start = world["free_slot"].isoformat().replace("+00:00", "Z")
    join = reverse("video:join", args=[reference])
    pages = [
        Page("home", "anonymous", reverse("home"), ("form.search-box button",)),
        Page(
            "directory",
            "anonymous",
            reverse("practices:directory"),
            (f"main a[href='{practice.get_absolute_url()}']",),
        ),
        Page("practice", "anonymous", practice.get_absolute_url(), ("main a[href*='/book/']",)),
        Page("login", "anonymous", reverse("account_login"), ("main form button[type=submit]",)),
        Page("signup", "anonymous", reverse("account_signup"), ("main input[name=email]",)),
        Page(
            "booking-start",
            "client",
            reverse("bookings:start", args=[practice.slug, world["session_type"].pk])
            + f"?start={start}",
            ("main form button[type=submit]",),
        ),
        Page(
            "booking-detail",
            "client",
            reverse("bookings:detail", args=[reference]),
            (f"main a[href='{join}']",),
        ),
        Page(
            "receipt",
            "client",
            reverse("bookings:receipt", args=[reference]),
            ("main ul.documents a",),
        ),
        Page("join", "client", join, ("#join", "#local-preview")),
        Page("messages", "client", reverse("notifications:list"), ("main .main-content h1",)),
        Page("profile", "client", reverse("accounts:profile"), ("main .main-content h1",)),
        Page("consents", "client", reverse("privacy:consents"), ("main .main-content h1",)),
        Page("export", "client", reverse("privacy:export"), ("main .main-content h1",)),
        Page("devices", "client", reverse("usersessions_list"), ("main .main-content h1",)),
        # One calendar page now (week and day on an hour grid; calendars:week sends there).
        Page("coach-calendar", "coach", reverse("bookings:coach"), ("main .main-content h1",)),
        # The week chosen explicitly: on a phone all seven days, scrolling inside their frame.
        Page(
            "coach-calendar-week",
            "coach",
            reverse("bookings:coach") + "?view=week",
            ("main .main-content h1",),
        ),
    ]
    # The receipt itself and the confirmation message (both made by the payment above).
    document = reverse("billing:document", args=[receipts[0].pk])
    pages.append(Page("receipt-document", "client", document, ("main h1",)))
    message = reverse("notifications:detail", args=[inbox_for(user=world["client"])[0].pk])
    pages.append(Page("message", "client", message, ("main .main-content h1",)))
    return pages


@pytest.fixture
def tabs(browser, live_server):
    """tab_for(user, viewport): a German browser page signed in as `user` (None: anonymous)
    that records console errors. CSP is bypassed so that axe can be injected."""
    contexts = []

    def tab_for(user, viewport):
        context = browser.new_context(locale="de-DE", viewport=viewport, bypass_csp=True)
        contexts.append(context)
        if user is not None:
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
        page.console_errors = []
        page.on(
            "console",
            lambda message: message.type == "error" and page.console_errors.append(message.text),
        )
        page.on("pageerror", lambda error: page.console_errors.append(str(error)))
        return page

    yield tab_for
    for context in contexts:
        context.close()


def axe_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(AXE_RUN)


def first_screen_problems(page, selectors, viewport) -> list[str]:
    problems = []
    for selector in selectors:
        target = page.locator(selector).first
        try:  # a page may render it with JavaScript (the practice page's times)
            target.wait_for(state="visible", timeout=5000)
        except PlaywrightTimeout:
            problems.append(f"{selector} is not shown")
            continue
        page.evaluate("window.scrollTo(0, 0)")
        box = target.bounding_box()
        if box["y"] < 0 or box["y"] + min(box["height"], 120) > viewport["height"]:
            problems.append(f"{selector} is at y={box['y']:.0f}, below the first screen")
    return problems


@pytest.fixture(scope="session")
def axe_core():
    if not AXE.exists():
        pytest.fail("axe-core is missing. Install it with: scripts/ensure-axe-core.sh")
    return AXE


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390", "1280"])
def test_main_pages_fit_the_screen_and_pass_axe(axe_core, tabs, live_server, world, viewport):
    width = viewport["width"]
    tab = {"anonymous": tabs(None, viewport), "coach": tabs(world["coach"], viewport)}
    found, problems = {}, {}

    # The first visit, with the cookie banner open: it passes axe and leaves the search usable.
    first = tab["anonymous"]
    first.goto(live_server.url + reverse("home"))
    found["home-with-cookie-banner"] = axe_violations(first)
    screenshot(first, f"page-home-with-cookie-banner-{width}")
    assert first.locator("form.search-box button").evaluate(UNCOVERED), "the banner hides it"
    for page in tab.values():
        reject_cookies(page, live_server.url + reverse("home"))
        page.console_errors.clear()
    # The client signs in on the login page: a real sign-in lists the device on "Angemeldete
    # Geräte" and counts as recent for the pages that ask for the password again (data export).
    tab["client"] = tabs(None, viewport)
    reject_cookies(tab["client"], live_server.url + reverse("account_login"))
    tab["client"].locator("input[name=login]").fill(world["client"].email)
    tab["client"].locator("input[name=password]").fill(DEFAULT_PASSWORD)
    tab["client"].locator("main form button[type=submit]").click()
    tab["client"].wait_for_url(lambda url: "/login/" not in url)
    tab["client"].console_errors.clear()

    for each in main_pages(world):
        page = tab[each.who]
        response = page.goto(live_server.url + each.path)
        if "/reauthenticate/" in page.url:  # the data export asks for the password again
            page.locator("input[name=password]").fill(DEFAULT_PASSWORD)
            with page.expect_navigation():
                page.locator("main form button[type=submit]").click()
            response = page.goto(live_server.url + each.path)
        trouble = [] if response.ok else [f"HTTP {response.status}"]
        if each.name == "join":
            # Chromium pauses a muted video out of view; wait until the camera preview plays.
            page.locator("#stage").scroll_into_view_if_needed()
            page.wait_for_function(PLAYING, timeout=15000)
        late = first_screen_problems(page, each.primary, viewport)
        if (each.name, width) not in FIRST_SCREEN_PENDING:
            trouble += late
        elif not late:
            trouble.append(
                "its primary action is in the first screen now: remove it from FIRST_SCREEN_PENDING"
            )
        if (sideways := page.evaluate(SIDEWAYS)) > 0:
            trouble.append(f"{sideways}px wider than the screen")
        trouble += [f"console: {text}" for text in page.console_errors]
        page.console_errors.clear()
        screenshot(page, f"page-{each.name}-{width}")
        found[each.name] = axe_violations(page)
        trouble += [
            f"axe {v['impact']}: {v['id']} ({v['help']}) at {v['nodes']}"
            for v in found[each.name]
            if v["impact"] in FAILING
        ]
        if trouble:
            problems[each.name] = trouble

    (ARTIFACTS / f"axe-{width}.json").write_text(json.dumps(found, indent=1, ensure_ascii=False))
    banner = [v for v in found["home-with-cookie-banner"] if v["impact"] in FAILING]
    assert banner == []
    assert not problems, json.dumps(problems, indent=1, ensure_ascii=False)
    assert len(found) >= 19  # every page was walked
