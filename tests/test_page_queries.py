"""SQL statements per page, pinned: an N+1 or a lost cache fails here.

Warm requests (the process-wide caches and the person's cached session, unread count and
consent answer in Redis), as every request but a person's first sees them.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coaching.practices.pages import availability_changed
from coaching.practices.selectors import session_type_free_slots
from coaching.practices.services import practice_publish
from privacy.services import SIGNUP_PURPOSES, consent_record
from tests.factories import PracticeFactory, SessionTypeFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def practice():
    practice = PracticeFactory(slug="gezaehlt", hours=[(day, 8, 20) for day in range(7)])
    SessionTypeFactory(practice=practice)
    SessionTypeFactory(practice=practice, duration_minutes=90)
    practice_publish(practice=practice, actor=practice.owner)
    return practice


@pytest.fixture
def person(client):
    user = UserFactory()
    consent_record(user=user, decisions=dict.fromkeys(SIGNUP_PURPOSES, True), source="signup")
    client.force_login(user)
    return user


def queries(client, url: str, *, status: int = 200) -> list[str]:
    assert client.get(url).status_code == status  # warm
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == status
    return [q["sql"] for q in captured.captured_queries]


def slots_url(practice) -> str:
    session_type = practice.session_types.first()
    return (
        reverse("practices:slots", args=[practice.slug])
        + f"?type={session_type.pk}&start={timezone.localdate()}&days=60"
    )


def test_slots_json_takes_four_queries(client, practice):
    # The type with its practice; hours with time off; busy time from bookings and from the
    # coach's calendars (imported events, hour blocks, staleness: one query).
    assert len(queries(client, slots_url(practice))) == 4


def test_slots_json_signed_in_adds_only_the_user(client, practice, person):
    assert len(queries(client, slots_url(practice))) == 5


def test_practice_page_rendered_for_a_visitor(client, practice):
    url = reverse("practices:detail", args=[practice.slug])
    client.get(url)
    availability_changed(practice.pk)  # the visitor's page is retired: rendered afresh
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    # Practice and types from Redis; hours with time off; busy time (bookings, calendars).
    assert len(captured) == 3


def test_practice_page_signed_in(client, practice, person):
    # The user; hours with time off; busy time from bookings and from calendars (session,
    # practice, types, unread from Redis).
    assert len(queries(client, reverse("practices:detail", args=[practice.slug]))) == 4


def test_directory_signed_in(client, practice, person):
    # The user; the listing comes from Redis.
    assert len(queries(client, reverse("practices:directory"))) == 1


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
    # The user; the type with practice and coach; hours with time off; busy time from bookings
    # and calendars (the consent gate's answer and the unread count from Redis).
    assert len(queries(client, url)) == 5


def test_empty_inbox_page(client, person):
    # The user; the paginator's count (nothing to page; the header's count from Redis).
    assert len(queries(client, reverse("notifications:list"))) == 2
