"""Whole pages for visitors who are not signed in: served from the cache, never stale, never
personal (sofadoc.pagecache)."""

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from coaching.bookings.models import BookingState
from coaching.practices.services import (
    Opening,
    practice_publish,
    practice_update,
    time_off_add,
    weekly_hours_replace,
)
from tests.factories import BookingFactory, PracticeFactory, SessionTypeFactory, UserFactory
from tests.queries import pinned_queries

pytestmark = pytest.mark.django_db

# Monday 1 June 2026, 06:00 in Berlin; the practice opens Tuesdays 09:00-11:00 Berlin.
NOW = datetime(2026, 6, 1, 4, tzinfo=UTC)
TUESDAY_9 = datetime(2026, 6, 2, 7, tzinfo=UTC)
NINE = "?start=2026-06-02T07%3A00%3A00Z"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def practice():
    practice = PracticeFactory(slug="anna", hours=[(1, 9, 11)], min_notice_hours=12)
    SessionTypeFactory(practice=practice, price=Decimal("80"), duration_minutes=50)
    practice_publish(practice=practice, actor=practice.owner)
    return practice


def page_url():
    return reverse("practices:detail", args=["anna"])


def queries(client, url, *, at_most: int | None = None):
    with pinned_queries(at_most=at_most) as counted:
        response = client.get(url)
    assert response.status_code == 200
    return len(counted), response.content.decode()


def test_a_visitor_gets_the_page_from_the_cache_without_a_query(client, practice):
    rendered, first = queries(client, page_url())
    _, second = queries(client, page_url(), at_most=0)

    assert rendered > 0
    assert NINE in first and NINE in second
    assert TOKEN.sub("", first) == TOKEN.sub("", second)  # the same page but for the token


@pytest.mark.parametrize("url", ["/", "/coaches/", "/coaches/anna/"])
def test_each_visitor_gets_their_own_csrf_token_in_a_cached_page(practice, url):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.get(url)
    page = second.get(url).content.decode()  # served from the cache
    [token, *_] = TOKEN.findall(page)

    assert token != TOKEN.findall(first.get(url).content.decode())[0]
    # The token in the cached page works with this visitor's own cookie, and only with it.
    switch = {"language": "en", "next": "/", "csrfmiddlewaretoken": token}
    assert second.post(reverse("accounts:set_language"), switch).status_code == 302
    assert first.post(reverse("accounts:set_language"), switch).status_code == 403


def test_a_hold_on_a_time_takes_it_off_the_cached_page_at_once(client, practice):
    assert NINE in client.get(page_url()).content.decode()
    booking = BookingFactory(
        session_type=practice.session_types.get(),
        client=UserFactory(),
        start=TUESDAY_9,
        state=BookingState.HELD,
        hold_expires_at=NOW + timedelta(minutes=15),
    )
    assert NINE not in client.get(page_url()).content.decode()

    booking.state = BookingState.EXPIRED  # the hold runs out: the time is free again
    booking.save(update_fields=["state"])
    assert NINE in client.get(page_url()).content.decode()


def test_new_hours_and_time_off_show_at_once(client, practice):
    assert NINE in client.get(page_url()).content.decode()
    weekly_hours_replace(
        practice=practice, actor=practice.owner, openings=[Opening(1, *hours(10, 11))]
    )
    html = client.get(page_url()).content.decode()
    assert NINE not in html and "?start=2026-06-02T08%3A00%3A00Z" in html

    time_off_add(
        practice=practice,
        actor=practice.owner,
        first_day=TUESDAY_9.date(),
        last_day=TUESDAY_9.date(),
    )
    assert "?start=2026-06-02T08%3A00%3A00Z" not in client.get(page_url()).content.decode()


def test_a_profile_change_shows_at_once(client, practice):
    client.get(page_url())
    practice_update(practice=practice, actor=practice.owner, fields={"name": "Neuer Name"})
    assert "Neuer Name" in client.get(page_url()).content.decode()


def test_the_page_expires_when_its_first_time_falls_inside_the_minimum_notice(
    client, practice, frozen
):
    # 09:00 Berlin on Tuesday with 12 hours' notice: bookable until Monday 21:00 Berlin.
    assert NINE in client.get(page_url()).content.decode()
    frozen.move_to(TUESDAY_9 - timedelta(hours=12, seconds=1))
    assert NINE in client.get(page_url()).content.decode()
    frozen.move_to(TUESDAY_9 - timedelta(hours=12) + timedelta(seconds=1))
    assert NINE not in client.get(page_url()).content.decode()


def test_language_time_zone_and_cookie_choice_each_get_their_own_page(client, practice, settings):
    german = client.get(page_url()).content.decode()
    english = Client(headers={"accept-language": "en"}).get(page_url()).content.decode()
    new_york = Client()
    new_york.cookies[settings.TIME_ZONE_COOKIE_NAME] = "America/New_York"

    assert 'lang="de"' in german and 'lang="en"' in english
    assert "Nordamerikanische Ostküstenzeit (New York)" in new_york.get(page_url()).content.decode()
    assert (
        "Nordamerikanische Ostküstenzeit (New York)" not in client.get(page_url()).content.decode()
    )


def test_signed_in_people_never_get_or_leave_a_cached_page(client, practice):
    person = UserFactory(display_name="Greta Angemeldet")
    client.force_login(person)
    signed_in = client.get(page_url()).content.decode()
    assert reverse("bookings:mine") in signed_in

    anonymous = Client().get(page_url()).content.decode()
    assert reverse("bookings:mine") not in anonymous
    _, again = queries(client, page_url())
    assert reverse("bookings:mine") in again


def test_a_waiting_message_is_shown_not_skipped_by_the_cache(client, practice, rf):
    client.get(page_url())  # cached
    # A message queued on the previous response ("You have signed out."), in its cookie.
    carrier = HttpResponse()
    storage = CookieStorage(rf.get("/"))
    storage.add(constants.INFO, "Sie haben sich abgemeldet.")
    storage.update(carrier)
    client.cookies.update(carrier.cookies)

    assert "Sie haben sich abgemeldet." in client.get(page_url()).content.decode()
    assert "Sie haben sich abgemeldet." not in client.get(page_url()).content.decode()


def hours(start, end):
    from datetime import time

    return time(start), time(end)
