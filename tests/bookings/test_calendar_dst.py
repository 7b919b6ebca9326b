"""The coach's calendar on the days the clocks change (calendar_grid.py): rows follow real time,
so a session never sits an hour off or on top of another, the hour labels are the ones the clock
really shows, and a week marks the hour a day does not have."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from coaching.bookings.calendar_grid import Thing, lay_out
from tests.factories import BookingFactory

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
SPRING, AUTUMN = date(2027, 3, 28), date(2027, 10, 31)  # Berlin: 02:00 -> 03:00, 03:00 -> 02:00


def utc(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def session(start: datetime, title: str, minutes: int = 60) -> Thing:
    return Thing(start, start + timedelta(minutes=minutes), "booking", title)


# 01:30 and 03:30 on each day, an hour long: in spring 00:30Z and 01:30Z (back to back in real
# time), in autumn 23:30Z the day before and 02:30Z (two real hours and a half apart).
SPRING_SESSIONS = [session(utc(SPRING, 0, 30), "early"), session(utc(SPRING, 1, 30), "late")]
AUTUMN_SESSIONS = [
    session(utc(AUTUMN, 0, 30) - timedelta(hours=1), "early"),
    session(utc(AUTUMN, 2, 30), "late"),
    # 02:45 comes twice: once in summer time (00:45Z), once in winter time (01:45Z).
    session(utc(AUTUMN, 0, 45), "first 02:45", 15),
    session(utc(AUTUMN, 1, 45), "second 02:45", 15),
]


def grid_for(days, things, zone=BERLIN, now=None):
    return lay_out(
        days=days,
        focus=days[-1],
        zone=zone,
        now=now or utc(days[0], 12) - timedelta(days=30),
        things=things,
        openings=[],
        days_off=[],
        block_url=None,
    )


def week_of(day: date) -> list[date]:
    return [day - timedelta(days=day.weekday() - i) for i in range(7)]


def placed(column) -> dict:
    return {item.thing.title: (item.row, item.span) for item in column.items}


def test_spring_day_has_23_hours_with_no_0200_row():
    grid = grid_for([SPRING], SPRING_SESSIONS)
    assert [label.text for label in grid.hours][:3] == ["01:00", "03:00", "04:00"]
    # Each session takes its hour's four rows, one straight after the other.
    assert placed(grid.days[0]) == {"early": (3, 4), "late": (7, 4)}
    assert grid.days[0].gaps == []
    assert [(c.before.hour, c.after.hour) for c in grid.changes] == [(2, 3)]


def test_autumn_day_has_25_hours_with_0200_twice_and_nothing_on_top_of_another():
    now = utc(AUTUMN, 1, 30)  # 02:30 the second time round
    grid = grid_for([AUTUMN], AUTUMN_SESSIONS, now=now)
    labels = [(label.text, label.zone) for label in grid.hours][:4]
    assert labels == [("01:00", ""), ("02:00", "CEST"), ("02:00", "CET"), ("03:00", "")]
    column = grid.days[0]
    assert placed(column) == {
        "early": (3, 4),  # 01:30 CEST
        "first 02:45": (8, 1),
        "second 02:45": (12, 1),
        "late": (15, 4),  # 03:30 CET, after both 02:00s
    }
    assert column.lanes == 1  # the two 02:45s are an hour apart, not side by side
    assert column.now_row == 11
    assert [(c.before.hour, c.after.hour) for c in grid.changes] == [(3, 2)]


def test_a_week_marks_the_hour_a_day_does_not_have():
    spring = grid_for(week_of(SPRING), SPRING_SESSIONS)
    assert [label.text for label in spring.hours][:3] == ["01:00", "02:00", "03:00"]
    monday, sunday = spring.days[0], spring.days[-1]
    assert monday.gaps == [] and sunday.gaps == [(5, 4)]
    # 01:30 and 03:30 as the labels say; the first runs over the missing hour to its end.
    assert placed(sunday) == {"early": (3, 8), "late": (11, 4)}

    autumn = grid_for(week_of(AUTUMN), AUTUMN_SESSIONS)
    assert [label.text for label in autumn.hours][:4] == ["01:00", "02:00", "02:00", "03:00"]
    assert autumn.days[0].gaps == [(9, 4)] and autumn.days[-1].gaps == []
    assert placed(autumn.days[-1])["late"] == (15, 4)


def test_a_coach_elsewhere_sees_berlins_change_day_as_an_ordinary_one():
    # New York changed two weeks earlier: Berlin's 01:30 and 03:30 are 20:30 and 21:30 there.
    grid = grid_for([SPRING - timedelta(days=1)], SPRING_SESSIONS, zone=NEW_YORK)
    assert len(grid.hours) == grid.last_hour - grid.first_hour
    column = grid.days[0]
    assert placed(column) == {"early": (51, 4), "late": (55, 4)}  # from 08:00
    assert column.gaps == [] and grid.changes == []
    # Their own change day has no 02:00.
    own = grid_for([date(2027, 3, 14)], [session(utc(date(2027, 3, 14), 6, 30), "x")], NEW_YORK)
    assert [label.text for label in own.hours][:2] == ["01:00", "03:00"]
    assert placed(own.days[0]) == {"x": (3, 4)}  # 01:30 EST to 03:30 EDT: one real hour


@pytest.mark.django_db
@pytest.mark.parametrize("params", [{"view": "day", "day": "2027-10-31"}, {"week": "2027-10-31"}])
def test_the_page_places_autumn_sessions_after_both_0200s(client, practice, params):
    practice.owner.time_zone = "Europe/Berlin"
    practice.owner.save(update_fields=["time_zone"])
    kind = practice.session_types.get()
    for thing in AUTUMN_SESSIONS[:2]:
        BookingFactory(session_type=kind, start=thing.start, end=thing.end)
    client.force_login(practice.owner)
    response = client.get(reverse("bookings:coach"), params)
    column = response.context["grid"].days[-1]
    assert column.day == AUTUMN
    assert sorted((i.row, i.span) for i in column.items) == [(3, 4), (15, 4)]
    page = response.content.decode()
    assert "02:00 <small>CEST</small>" in page and "02:00 <small>CET</small>" in page
    assert "Am Sonntag, 31. Oktober wird die Uhr von 03:00 auf 02:00 umgestellt." in page
