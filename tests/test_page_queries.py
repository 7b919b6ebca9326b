"""SQL statements per page, pinned: an N+1 or a lost cache fails here.

Warm requests (the process-wide caches and the person's cached session, unread count and
consent answer in Redis), as every request but a person's first sees them.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from coaching.practices.pages import availability_changed
from coaching.practices.selectors import session_type_free_slots
from coaching.practices.services import practice_publish
from tests.factories import PracticeFactory, SessionTypeFactory, UserFactory
from tests.queries import pinned_queries

pytestmark = pytest.mark.django_db

LISTING_QUERIES = 7  # count, page, topics, languages, prices; the filters' topics and languages


@pytest.fixture
def practice():
    practice = PracticeFactory(slug="gezaehlt", hours=[(day, 8, 20) for day in range(7)])
    SessionTypeFactory(practice=practice)
    SessionTypeFactory(practice=practice, duration_minutes=90)
    practice_publish(practice=practice, actor=practice.owner)
    return practice


@pytest.fixture
def person(client):
    user = UserFactory()  # signed up as the form requires (the signup purposes consented)
    client.force_login(user)
    return user


def pin_warm(client, url: str, queries: int, *, status: int = 200) -> None:
    assert client.get(url).status_code == status  # warm
    with pinned_queries(queries):
        assert client.get(url).status_code == status


def slots_url(practice) -> str:
    session_type = practice.session_types.first()
    return (
        reverse("practices:slots", args=[practice.slug])
        + f"?type={session_type.pk}&start={timezone.localdate()}&days=60"
    )


def test_slots_json_rendered_takes_three_queries(client, practice):
    url = slots_url(practice)
    client.get(url)
    availability_changed(practice.pk)  # the kept answer is retired: computed afresh
    # The type with its practice from Redis (the practice's page data); hours with time off;
    # busy time from bookings and from the coach's calendars (imported events, hour blocks,
    # staleness: one query).
    with pinned_queries(3):
        assert client.get(url).status_code == 200


def test_slots_json_kept_takes_none(client, practice):
    pin_warm(client, slots_url(practice), 0)


def test_slots_json_signed_in_is_kept_too_and_adds_nothing(client, practice, person):
    # The user's row comes with the session's prefetch (sofadoc/accounts/usercache.py).
    pin_warm(client, slots_url(practice), 0)


def test_practice_page_rendered_for_a_visitor(client, practice):
    url = reverse("practices:detail", args=[practice.slug])
    client.get(url)
    availability_changed(practice.pk)  # the visitor's page is retired: rendered afresh
    # Practice and types from Redis; hours with time off; busy time (bookings, calendars).
    with pinned_queries(3):
        assert client.get(url).status_code == 200


def test_practice_page_for_one_day_of_another_type_rendered_for_a_visitor(client, practice):
    # The day strip's link for a later day: the same three queries, whatever the day or type.
    later = timezone.localdate() + timedelta(days=20)
    url = reverse("practices:detail", args=[practice.slug])
    url += f"?type={practice.session_types.last().pk}&day={later}"
    client.get(url)
    availability_changed(practice.pk)
    with pinned_queries(3):
        assert client.get(url).status_code == 200


def test_directory_listing_rendered_with_next_free_times_from_beat(client, practice):
    # Each card's next free time comes from what beat cached with the booked-out set: the
    # listing costs what it did without them (count, page, prices, topics, languages, specialties).
    from coaching.practices.directory import directory_changed
    from coaching.practices.tasks import refresh_booked_out

    url = reverse("practices:directory")
    client.get(url)
    refresh_booked_out.apply().get()
    directory_changed()
    with pinned_queries(LISTING_QUERIES):
        assert "Nächster freier Termin:" in client.get(url).content.decode()


def test_practice_page_signed_in(client, practice, person):
    # None: session, user, unread counts and versions in one MGET; practice, types, profile and
    # panel kept in the process under them, the free times too (practices.pages.free_slots_kept).
    pin_warm(client, reverse("practices:detail", args=[practice.slug]), 0)


def test_practice_page_signed_in_after_a_change(client, practice, person):
    url = reverse("practices:detail", args=[practice.slug])
    client.get(url)
    availability_changed(practice.pk)  # the kept free times are retired: read afresh
    # Hours with time off; busy time from bookings and from calendars.
    with pinned_queries(3):
        assert client.get(url).status_code == 200


def test_directory_signed_in(client, practice, person):
    # None: the user with the session's prefetch; the listing kept in the process.
    pin_warm(client, reverse("practices:directory"), 0)


def test_booking_page_signed_in(client, practice, person):
    session_type = practice.session_types.first()
    now = timezone.now()
    start = session_type_free_slots(
        session_type=session_type, start=now + timedelta(days=2), end=now + timedelta(days=9)
    )[0]
    url = (
        reverse("bookings:start", args=[practice.slug, session_type.pk])
        + f"?start={start:%Y-%m-%dT%H:%M:%SZ}"
    )
    # None (the user, the consent gate's answer and the unread count with the session's
    # prefetch; the practice and its types, the slot's "free" and the page's content kept in
    # the process while the practice's versions stand: tests/bookings/test_booking_page_kept.py).
    pin_warm(client, url, 0)


def test_empty_inbox_page(client, person):
    # The paginator's count (nothing to page; the user and the header's count from Redis).
    pin_warm(client, reverse("notifications:list"), 1)
