"""The busy source calendars registers with practices (see coaching/practices/busy.py).

One query for any number of practices, read from the database only (never from a remote
calendar during a page view): imported busy intervals, the coach's hour blocks, and, for a
practice whose busy times are older than the coach's limit, the whole asked-for range, so it
stops offering slots rather than risk a double booking. PostgreSQL merges everything with
range_agg, so the slot engine gets a few disjoint intervals however many events there are.

Imported intervals are raw event times: the slot engine adds the practice's buffers around each
candidate slot. None of these intervals stands for a booking, so `ignore` (the blocked time of
a booking being moved) never applies to them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db import connection as db
from django.utils import timezone

from coaching.calendars.models import BusyInterval, CalendarConnection, HourBlock
from coaching.practices.availability import Interval

_SQL = """
SELECT u.practice_id, extract(epoch FROM lower(r))::float8, extract(epoch FROM upper(r))::float8
FROM (
    SELECT practice_id, range_agg(tstzrange(s, e, '[)')) AS busy
    FROM (
        SELECT practice_id, start AS s, "end" AS e FROM calendars_busyinterval
        WHERE practice_id = ANY(%(ids)s) AND start < %(end)s AND "end" > %(start)s
        UNION ALL
        SELECT practice_id, start, "end" FROM calendars_hourblock
        WHERE practice_id = ANY(%(ids)s) AND start < %(end)s AND "end" > %(start)s
        UNION ALL
        SELECT c.practice_id, %(start)s, %(end)s FROM calendars_calendarconnection c
        WHERE c.practice_id = ANY(%(ids)s)
          AND COALESCE(c.last_success_at, c.created_at)
              < %(now)s - c.stale_after_hours * interval '1 hour'
          AND EXISTS (
              SELECT 1 FROM calendars_remotecalendar rc
              WHERE rc.connection_id = c.id AND rc.counts_as_busy
          )
    ) AS everything
    GROUP BY practice_id
) AS u CROSS JOIN LATERAL unnest(u.busy) AS r
"""


def calendar_busy_seconds(
    *,
    practice_ids: Iterable[int],
    start: datetime,
    end: datetime,
    ignore: Collection[Interval] = (),
) -> dict[int, list[tuple[float, float]]]:
    """Per practice, its busy time as (start, end) seconds since the epoch, the slot engine's
    unit: on PostgreSQL the merged rows as they come, no datetime made for any of them."""
    ids = list(practice_ids)
    busy: defaultdict[int, list[tuple[float, float]]] = defaultdict(list)
    if not ids or end <= start:
        return busy
    if db.vendor != "postgresql":
        for practice_id, intervals in _busy_without_range_agg(ids, start, end).items():
            busy[practice_id] = [(i.start.timestamp(), i.end.timestamp()) for i in intervals]
        return busy
    params: dict[str, Any] = {"ids": ids, "start": start, "end": end, "now": timezone.now()}
    with db.cursor() as cursor:
        cursor.execute(_SQL, params)
        for practice_id, lower, upper in cursor.fetchall():
            busy[practice_id].append((lower, upper))
    return busy


def _busy_without_range_agg(ids: list[int], start: datetime, end: datetime) -> dict:
    """The same through the ORM, unmerged (the slot engine merges), for the SQLite demo."""
    busy: defaultdict[int, list[Interval]] = defaultdict(list)
    for model in (BusyInterval, HourBlock):
        rows = model.objects.filter(practice_id__in=ids, start__lt=end, end__gt=start)
        for practice_id, lower, upper in rows.values_list("practice_id", "start", "end"):
            busy[practice_id].append(Interval(lower, upper))
    now = timezone.now()
    connections = CalendarConnection.objects.filter(
        practice_id__in=ids, calendars__counts_as_busy=True
    ).distinct()
    for connection in connections:
        seen = connection.last_success_at or connection.created_at
        if seen < now - timedelta(hours=connection.stale_after_hours):
            busy[connection.practice_id].append(Interval(start, end))
    return busy
