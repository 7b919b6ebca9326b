"""The calendars busy source (calendar_busy_seconds): imported events and hour blocks merged by
PostgreSQL, the whole window for a connection whose busy times are too old, in the slot engine's
unit, and the same through the ORM path the SQLite demo takes."""

from datetime import UTC, datetime, timedelta

import pytest

from coaching.calendars.busysource import _busy_without_range_agg, calendar_busy_seconds
from coaching.calendars.models import (
    BusyInterval,
    CalendarConnection,
    HourBlock,
    Provider,
    RemoteCalendar,
)
from coaching.practices.busy import practice_busy_seconds
from tests.factories import PracticeFactory

pytestmark = pytest.mark.django_db


def at(hour: float) -> datetime:
    return datetime(2026, 6, 2, tzinfo=UTC) + timedelta(hours=hour)


def _calendar(practice, *, synced: datetime) -> RemoteCalendar:
    connection = CalendarConnection.objects.create(
        practice=practice,
        provider=Provider.CALDAV,
        account_name="kalender@example.org",
        last_success_at=synced,
        stale_after_hours=24,
    )
    return RemoteCalendar.objects.create(connection=connection, remote_id="/cal/", name="Privat")


def test_seconds_are_the_same_busy_time_as_the_intervals():
    fresh, stale = PracticeFactory(), PracticeFactory()
    calendar = _calendar(fresh, synced=datetime.now(UTC))
    for n, (start, end) in enumerate([(9, 10), (9.5, 11.25), (14, 15)]):
        BusyInterval.objects.create(
            calendar=calendar, practice=fresh, source=f"uid-{n}", start=at(start), end=at(end)
        )
    HourBlock.objects.create(practice=fresh, start=at(16.5), end=at(18))
    _calendar(stale, synced=datetime.now(UTC) - timedelta(days=3))
    kwargs = {"practice_ids": [fresh.pk, stale.pk], "start": at(0), "end": at(24)}

    in_seconds = calendar_busy_seconds(**kwargs)  # type: ignore[arg-type]

    assert sorted(in_seconds[fresh.pk]) == [
        (at(9).timestamp(), at(11.25).timestamp()),
        (at(14).timestamp(), at(15).timestamp()),
        (at(16.5).timestamp(), at(18).timestamp()),
    ]
    assert in_seconds[stale.pk] == [(at(0).timestamp(), at(24).timestamp())]
    # The ORM path leaves merging to the slot engine: the same time, unmerged.
    unmerged = _busy_without_range_agg([fresh.pk, stale.pk], at(0), at(24))
    assert (
        sorted((i.start.timestamp(), i.end.timestamp()) for i in unmerged[stale.pk])
        == in_seconds[stale.pk]
    )
    assert len(unmerged[fresh.pk]) == 4
    # The slot engine's gathering asks this source too.
    merged = practice_busy_seconds(**kwargs)  # type: ignore[arg-type]
    assert set(in_seconds[fresh.pk]) <= set(merged[fresh.pk])
