"""The directory's cards show each coach's next free time, in the viewer's zone, without a
query per card."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from coaching.practices.directory import directory_changed
from coaching.practices.services import practice_publish, practice_update
from tests.factories import PracticeFactory, SessionTypeFactory
from tests.queries import pinned_queries

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("monday_morning", "no_busy_sources")]

TODAY = date(2026, 6, 1)  # a Monday


@pytest.fixture
def practice():
    practice = PracticeFactory(slug="anna", hours=[(1, 9, 11), (3, 14, 15)])  # Tue, Thu
    SessionTypeFactory(practice=practice, price=Decimal("0"))
    practice_publish(practice=practice, actor=practice.owner)
    practice_update(practice=practice, actor=practice.owner, fields={})
    return practice


def test_directory_cards_show_the_next_free_time_in_the_viewers_zone(client, practice, settings):
    html = client.get(reverse("practices:directory")).content.decode()
    assert "Nächster freier Termin:" in html
    assert "Di., 2. Juni, 09:00" in html
    client.cookies[settings.TIME_ZONE_COOKIE_NAME] = "Europe/London"
    assert "Di., 2. Juni, 08:00" in client.get(reverse("practices:directory")).content.decode()


def test_directory_cards_say_when_nothing_is_free_within_7_days(client):
    practice = PracticeFactory(slug="voll")
    SessionTypeFactory(practice=practice)
    practice_publish(practice=practice, actor=practice.owner)
    practice.time_off.create(first_day=TODAY, last_day=TODAY + timedelta(days=10))
    html = client.get(reverse("practices:directory")).content.decode()
    assert "Kein freier Termin in den nächsten 7 Tagen" in html


def test_directory_next_free_times_come_from_the_beat_refresh_without_a_query(client, practice):
    from coaching.practices.tasks import refresh_booked_out

    for n in range(5):
        other = PracticeFactory(slug=f"mehr-{n}", hours=[(2, 9, 10)])
        SessionTypeFactory(practice=other)
        practice_publish(practice=other, actor=other.owner)
    url = reverse("practices:directory")
    client.get(url)  # the process-wide caches

    directory_changed()
    with pinned_queries() as cold:  # no refresh yet: worked out for the page's practices
        client.get(url)
    refresh_booked_out.apply().get()
    directory_changed()
    with pinned_queries() as warm:
        html = client.get(url).content.decode()
    # Types, hours with time off, busy time: a fixed number, and none once beat has refreshed.
    assert len(warm) < len(cold) <= len(warm) + 4
    assert html.count("Nächster freier Termin:") == 6
