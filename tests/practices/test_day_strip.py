"""The practice page's booking panel: session types as cards, a strip of 14 days with the free
ones marked, one day's times rendered on the server (?type=&day=)."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from coaching.practices.daystrip import strip_window
from coaching.practices.pages import availability_changed
from coaching.practices.services import practice_publish, practice_update
from tests.factories import PracticeFactory, SessionTypeFactory
from tests.queries import pinned_queries

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("monday_morning", "no_busy_sources")]

TODAY = date(2026, 6, 1)  # a Monday


@pytest.fixture
def practice():
    # Tuesdays 09:00-11:00 and Thursdays 14:00-15:00, Berlin; two session types.
    practice = PracticeFactory(slug="anna", hours=[(1, 9, 11), (3, 14, 15)])
    SessionTypeFactory(practice=practice, name="Kennenlernen", price=Decimal("0"))
    SessionTypeFactory(practice=practice, name="Coaching", price=Decimal("90"), duration_minutes=90)
    practice_publish(practice=practice, actor=practice.owner)
    practice_update(practice=practice, actor=practice.owner, fields={})
    return practice


def page(client, **query):
    return client.get(reverse("practices:detail", args=["anna"]), query)


def test_the_strip_shows_14_days_with_the_free_ones_marked(client, practice):
    panel = page(client).context["panel"]

    assert [day for day, _ in panel["strip"]] == [TODAY + timedelta(days=n) for n in range(14)]
    free = [day for day, free in panel["strip"] if free]
    assert free == [date(2026, 6, d) for d in (2, 4, 9, 11)]  # Tuesdays and Thursdays


def test_the_next_free_time_and_its_day_are_shown_at_once(client, practice):
    response = page(client)
    panel = response.context["panel"]
    html = response.content.decode()

    kennenlernen = practice.session_types.get(name="Kennenlernen")
    assert panel["chosen"] == kennenlernen
    local, url = panel["next"]
    assert local.isoformat() == "2026-06-02T09:00:00+02:00"
    assert url.endswith(f"/book/{kennenlernen.pk}/?start=2026-06-02T07%3A00%3A00Z")
    assert "Nächster freier Termin für Kennenlernen" in html
    assert "Dienstag, 2. Juni, 09:00" in html
    # Only that day's times are on the page, not Thursday's.
    assert panel["day"] == date(2026, 6, 2)
    assert [t.strftime("%H:%M") for t, _ in panel["times"]] == ["09:00", "09:30", "10:00"]
    assert "2026-06-04T12%3A00%3A00Z" not in html


def test_a_day_link_renders_that_day_only(client, practice):
    response = page(client, day="2026-06-04")
    panel = response.context["panel"]
    html = response.content.decode()

    assert panel["day"] == date(2026, 6, 4)
    assert [t.strftime("%H:%M") for t, _ in panel["times"]] == ["14:00"]
    assert "2026-06-04T12%3A00%3A00Z" in html and "2026-06-02T07%3A00%3A00Z" in html  # next
    assert html.count('class="slot"') == 1
    assert re.search(r'aria-current="true"[^>]*>\s*<span class="strip-weekday">Do</span>', html)


def test_choosing_another_session_type_shows_its_days_and_each_card_its_next_time(client, practice):
    coaching = practice.session_types.get(name="Coaching")
    response = page(client, type=coaching.pk)
    panel = response.context["panel"]

    assert panel["chosen"] == coaching
    # 90 minutes fit Tuesdays only (Thursdays open one hour).
    assert [day for day, free in panel["strip"] if free] == [date(2026, 6, 2), date(2026, 6, 9)]
    assert [t.strftime("%H:%M") for t, _ in panel["times"]] == ["09:00", "09:30"]
    nexts = {
        card["session_type"].name: card["next"].strftime("%d.%m. %H:%M") for card in panel["cards"]
    }
    assert nexts == {"Kennenlernen": "02.06. 09:00", "Coaching": "02.06. 09:00"}
    assert [card["selected"] for card in panel["cards"]] == [False, True]
    assert f'href="?type={coaching.pk}#times" aria-current="true"' in response.content.decode()


def test_a_later_date_moves_the_strip_and_keeps_the_next_free_time(client, practice):
    panel = page(client, day="2026-06-25").context["panel"]

    window = panel["window"]
    assert (window.first, window.end) == (date(2026, 6, 15), date(2026, 6, 29))
    assert (window.earlier, window.later) == (TODAY, date(2026, 6, 29))
    assert panel["day"] == date(2026, 6, 25)
    assert [t.strftime("%H:%M") for t, _ in panel["times"]] == ["14:00"]
    assert panel["next"][0].date() == date(2026, 6, 2)  # still the next one from today


def test_a_day_without_free_times_says_so(client, practice):
    response = page(client, day="2026-06-03")

    assert response.context["panel"]["times"] == []
    assert "An diesem Tag ist keine Zeit frei." in response.content.decode()


def test_the_coach_zone_is_named_only_where_its_clock_differs(client, practice, settings):
    html = page(client).content.decode()
    assert "Zeiten in Ihrer Zeitzone: <strong>Mitteleuropäische Zeit (Berlin)</strong>" in html
    assert "Zeitzone des Coachs" not in html
    client.cookies[settings.TIME_ZONE_COOKIE_NAME] = "Europe/Vienna"  # the same clock
    assert "Zeitzone des Coachs" not in page(client).content.decode()
    client.cookies[settings.TIME_ZONE_COOKIE_NAME] = "Europe/London"
    html = page(client).content.decode()
    assert "Zeitzone des Coachs: Mitteleuropäische Zeit (Berlin)" in html
    assert "08:00" in html  # 09:00 in Berlin


def test_one_day_costs_no_more_queries_than_the_first_page(client, practice):
    url = reverse("practices:detail", args=["anna"])
    later = {"day": "2026-06-25", "type": practice.session_types.last().pk}
    client.get(url)
    client.get(url, later)
    availability_changed(practice.pk)  # both pages rendered afresh, with their free times
    with pinned_queries() as first:
        client.get(url)
    with pinned_queries(len(first)):
        client.get(url, later)


@pytest.mark.parametrize(
    ("day", "first", "end", "earlier", "later"),
    [
        (TODAY, TODAY, date(2026, 6, 15), None, date(2026, 6, 15)),
        (date(2026, 6, 14), TODAY, date(2026, 6, 15), None, date(2026, 6, 15)),
        (date(2026, 6, 15), date(2026, 6, 15), date(2026, 6, 22), TODAY, None),
        (date(2026, 5, 1), TODAY, date(2026, 6, 15), None, date(2026, 6, 15)),  # the past
        # The horizon (20 days) cuts the last page short and offers nothing later.
        (date(2027, 1, 1), date(2026, 6, 15), date(2026, 6, 22), TODAY, None),
    ],
)
def test_strip_pages_count_from_today_and_end_at_the_horizon(day, first, end, earlier, later):
    window = strip_window(today=TODAY, last_day=TODAY + timedelta(days=20), day=day)
    assert (window.first, window.end, window.earlier, window.later) == (first, end, earlier, later)
