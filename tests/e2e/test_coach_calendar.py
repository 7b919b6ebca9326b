"""The coach's calendar, its calendar settings and the broken-connection notice in a browser, on
a 390 px phone and a 1280 px laptop: nothing overflows sideways, the phone shows the day, names
are whole on hover, the feed address copies. Screenshots land in test-artifacts/."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from coaching.bookings.models import BookingState, CalendarFeed
from coaching.calendars.models import (
    BusyInterval,
    CalendarConnection,
    ConnectionState,
    HourBlock,
    RemoteCalendar,
)
from coaching.practices.models import TimeOff
from tests.e2e.conftest import reject_cookies, screenshot
from tests.factories import BookingFactory, PracticeFactory, SessionTypeFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BERLIN = ZoneInfo("Europe/Berlin")
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}
SIDEWAYS = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
LONG_NAME = "Maximiliane Mustermann-Schönberger"


def next_wednesday() -> datetime:
    """10:00 in Berlin on a Wednesday at least two days ahead (never back in time: the legal
    texts and consents written by the migrations stay in the past)."""
    day = timezone.localdate() + timedelta(days=2)
    day += timedelta(days=(2 - day.weekday()) % 7)
    return datetime.combine(day, time(10), tzinfo=BERLIN)


@pytest.fixture
def wednesday():
    start = next_wednesday()
    with time_machine.travel(start, tick=True):
        yield start


@pytest.fixture
def coach_week(wednesday):
    """A week as a coach has it: a finished session, two today (one cancelled, one booked in
    its place), a long name, busy time from the coach's own calendar, an hour block, a day off."""
    practice = PracticeFactory(slug="kalender-e2e", owner__display_name="Mira")
    first = SessionTypeFactory(practice=practice, name="Kennenlerngespräch", duration_minutes=45)
    coaching = SessionTypeFactory(practice=practice, name="Coaching-Sitzung")

    def at(days: int, hour: int, minute: int = 0) -> datetime:
        return (wednesday + timedelta(days=days)).replace(hour=hour, minute=minute)

    def book(session_type, start, name, state=BookingState.CONFIRMED):
        end = start + timedelta(minutes=session_type.duration_minutes)
        return BookingFactory(
            session_type=session_type,
            start=start,
            end=end,
            state=state,
            client__display_name=name,
        )

    book(coaching, at(-2, 9), "Paula Berger", BookingState.COMPLETED)
    book(first, at(0, 9), "Jonas Keller", BookingState.COMPLETED)
    book(first, at(0, 11), "Carla Weiß", BookingState.CANCELLED)
    book(first, at(0, 11), LONG_NAME)
    book(coaching, at(0, 14, 30), "Ben Yilmaz")
    book(coaching, at(1, 10), "Lea Hoffmann")
    connection = CalendarConnection.objects.create(
        practice=practice,
        provider="caldav",
        account_name="mira@dav.example",
        password="pw",
        last_success_at=timezone.now(),
    )
    private = RemoteCalendar.objects.create(connection=connection, remote_id="p", name="Privat")
    BusyInterval.objects.create(
        calendar=private, practice=practice, source="a", start=at(-1, 12), end=at(-1, 13, 30)
    )
    BusyInterval.objects.create(
        calendar=private, practice=practice, source="b", start=at(0, 16), end=at(0, 17)
    )
    HourBlock.objects.create(practice=practice, start=at(1, 14), end=at(1, 16))
    off = (wednesday + timedelta(days=2)).date()
    TimeOff.objects.create(practice=practice, first_day=off, last_day=off, note="Fortbildung")
    CalendarFeed.objects.create(practice=practice)
    return practice


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390", "1280"])
def test_the_coach_week_fits_the_screen_and_shows_the_day_on_a_phone(
    signed_in_page, live_server, coach_week, viewport
):
    page = signed_in_page(coach_week.owner, viewport=viewport)
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    reject_cookies(page, live_server.url + reverse("bookings:coach"))
    expect(page.get_by_role("heading", name="Kalender", exact=True)).to_be_visible()

    visible_days = page.locator(".cal-body:visible")
    if viewport is PHONE:
        assert visible_days.count() == 1  # the week shows today on a phone
        expect(page.locator(".cal-strip")).to_be_visible()
    else:
        assert visible_days.count() == 7
    today = page.locator(".cal-body.is-focus")  # Wednesday: today, and the phone's day
    for shown in ("Ben Yilmaz", "Carla Weiß", "Jonas Keller"):
        expect(today.locator(".cal-item", has_text=shown)).to_be_visible()
    expect(today.locator(".cal-item.is-cancelled", has_text="Carla Weiß")).to_be_visible()
    expect(today.locator(".cal-item.is-past", has_text="Jonas Keller")).to_be_visible()
    expect(today.locator(".cal-item.is-busy")).to_be_visible()
    screenshot(page, f"coach-calendar-week-{viewport['width']}")

    # The long name is whole in the tooltip, and on hover the entry grows to show all of it.
    entry = page.locator(".cal-item", has_text=LONG_NAME)
    assert LONG_NAME in entry.get_attribute("title")
    assert "Kennenlerngespräch" in entry.get_attribute("title")
    entry.hover()
    assert entry.evaluate("el => el.scrollHeight <= el.clientHeight + 1")

    assert page.evaluate(SIDEWAYS) <= 0
    assert errors == []


def test_the_week_chosen_on_a_phone_scrolls_inside_its_frame_not_the_page(
    signed_in_page, live_server, coach_week
):
    page = signed_in_page(coach_week.owner, viewport=PHONE)
    reject_cookies(page, live_server.url + reverse("bookings:coach") + "?view=week")
    assert page.locator(".cal-body:visible").count() == 7
    expect(page.locator(".cal-strip")).to_be_hidden()
    frame = page.locator(".cal-scroll")
    assert frame.evaluate("e => e.scrollWidth > e.clientWidth")
    # The free hours' hidden labels past the frame's edge are clipped by it, not the page's.
    assert page.evaluate(SIDEWAYS) <= 0
    frame.evaluate("e => { e.scrollLeft = e.scrollWidth; }")
    expect(page.locator(".cal-dayhead").last).to_be_in_viewport()
    assert page.evaluate(SIDEWAYS) <= 0
    screenshot(page, "coach-calendar-explicit-week-390")


def test_the_day_view_the_feed_address_and_its_copy_button(signed_in_page, live_server, coach_week):
    page = signed_in_page(coach_week.owner, viewport=PHONE)
    reject_cookies(page, live_server.url + reverse("bookings:coach") + "?view=day")
    tomorrow = page.locator(".cal-strip a").nth(3)  # Thursday
    tomorrow.click()
    expect(page.locator(".cal-item.is-block")).to_be_visible()
    expect(page.locator(".cal-item", has_text="Lea Hoffmann")).to_be_visible()
    screenshot(page, "coach-calendar-day-390")
    assert page.evaluate(SIDEWAYS) <= 0

    page.get_by_role("button", name="Kopieren").click()
    expect(page.locator(".copy-status")).to_have_text("Die Adresse ist kopiert.")
    page.locator("#feed").scroll_into_view_if_needed()
    page.locator("#feed details").first.click()
    screenshot(page, "coach-calendar-feed-390")


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390", "1280"])
def test_the_calendar_settings_and_the_broken_connection_notice(
    signed_in_page, live_server, coach_week, viewport
):
    working = CalendarConnection.objects.get(practice=coach_week)
    RemoteCalendar.objects.filter(connection=working).update(counts_as_busy=True)
    CalendarConnection.objects.create(
        practice=coach_week,
        provider="google",
        account_name="mira@gmail.example",
        state=ConnectionState.BROKEN,
        problem="Google hat den Zugriff widerrufen. Bitte verbinden Sie den Kalender erneut.",
        last_success_at=timezone.now() - timedelta(days=1),
    )
    page = signed_in_page(coach_week.owner, viewport=viewport)
    reject_cookies(page, live_server.url + reverse("calendars:settings"))
    notice = page.locator(".calendar-notice")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("mira@gmail.example")
    screenshot(page, f"calendar-settings-broken-{viewport['width']}")
    assert page.evaluate(SIDEWAYS) <= 0

    # The same notice on the coach's other pages, e.g. the checklist.
    page.goto(live_server.url + reverse("practices:setup"))
    expect(page.locator(".calendar-notice")).to_be_visible()
    screenshot(page, f"calendar-broken-notice-checklist-{viewport['width']}")
    assert page.evaluate(SIDEWAYS) <= 0


def test_time_off_over_a_booked_session_shows_the_warning(signed_in_page, live_server, coach_week):
    page = signed_in_page(coach_week.owner, viewport=PHONE)
    reject_cookies(page, live_server.url + reverse("practices:time_off"))
    thursday = (timezone.localtime(timezone.now(), BERLIN) + timedelta(days=1)).date()
    page.get_by_label("Erster Tag").fill(thursday.isoformat())
    page.get_by_label("Letzter Tag").fill(thursday.isoformat())
    page.get_by_role("button", name="Hinzufügen").click()
    warning = page.locator(".time-off-warning")
    expect(warning).to_contain_text("Lea Hoffmann")
    expect(warning.get_by_role("link", name="Verschieben")).to_be_visible()
    screenshot(page, "time-off-warning-390")
    assert page.evaluate(SIDEWAYS) <= 0
    page.get_by_role("button", name="Speichern und Sitzungen behalten").click()
    expect(page.locator(".time-off-item .covered-sessions")).to_contain_text("Lea Hoffmann")
    assert TimeOff.objects.filter(practice=coach_week, first_day=thursday).exists()
