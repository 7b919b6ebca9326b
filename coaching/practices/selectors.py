"""Reads of practices: free slots (feeding the pure slot engine from the database)."""

from __future__ import annotations

import contextlib
import time
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.db import connection
from django.db.models import DateField, IntegerField, TimeField, Value
from django.utils import timezone

from coaching.practices.availability import (
    DateRange,
    Interval,
    SlotRules,
    WeeklyWindow,
    free_slot_seconds,
)
from coaching.practices.busy import practice_busy_seconds
from coaching.practices.models import (
    SLOT_RULE_FIELDS,
    Practice,
    SessionType,
    TimeOff,
    WeeklyHours,
)
from sofadoc.cache import cache_read


def practice_free_slots(
    *,
    practice: Practice,
    session_types: Sequence[SessionType],
    start: datetime,
    end: datetime,
    now: datetime | None = None,
    ignore: Collection[Interval] = (),
    limit: int | None = None,
    limits: Mapping[int, int] | None = None,
) -> dict[int, list[datetime]]:
    """Free start times (UTC, sorted) in [start, end) for each session type, by its id.

    One query plus one per busy source, however many types or bookings there are: weekly hours
    with time off, and busy time, are read once and shared. `ignore` drops busy intervals equal
    to one of these, e.g. the blocked time of a booking that is being moved. `limits` caps some
    types by id (e.g. only the next free time of the types not being looked at), `limit` the rest.
    """
    found = practice_free_slot_seconds(
        practice=practice,
        session_types=session_types,
        start=start,
        end=end,
        now=now,
        ignore=ignore,
        limit=limit,
        limits=limits,
    )
    at = datetime.fromtimestamp
    return {type_id: [at(s, UTC) for s in starts] for type_id, starts in found.items()}


def practice_free_slot_seconds(
    *,
    practice: Practice,
    session_types: Sequence[SessionType],
    start: datetime,
    end: datetime,
    now: datetime | None = None,
    ignore: Collection[Interval] = (),
    limit: int | None = None,
    limits: Mapping[int, int] | None = None,
) -> dict[int, list[float]]:
    """practice_free_slots as seconds since the epoch (slots.json writes them out as they are)."""
    if not session_types:
        return {}
    now = now or timezone.now()
    window = Interval(start, end)
    all_rules = {st.pk: practice.slot_rules(st) for st in session_types}
    widest = max(all_rules.values(), key=_reach)
    all_weekly, all_days_off = _hours_and_time_off(practice_ids=[practice.pk], around=window)
    weekly, days_off = all_weekly[practice.pk], all_days_off[practice.pk]
    busy = _busy(practice_ids=[practice.pk], window=window, rules=widest, ignore=ignore)
    zone = ZoneInfo(practice.time_zone)
    return {
        type_id: free_slot_seconds(
            weekly=weekly,
            time_off=days_off,
            busy=busy[practice.pk],
            rules=rules,
            zone=zone,
            now=now,
            window=window,
            limit=(limits or {}).get(type_id, limit),
        )
        for type_id, rules in all_rules.items()
    }


def session_type_free_slots(
    *,
    session_type: SessionType,
    start: datetime,
    end: datetime,
    now: datetime | None = None,
    ignore: Collection[Interval] = (),
    limit: int | None = None,
) -> list[datetime]:
    """Free start times (UTC, sorted) of one session type in [start, end)."""
    return practice_free_slots(
        practice=session_type.practice,
        session_types=[session_type],
        start=start,
        end=end,
        now=now,
        ignore=ignore,
        limit=limit,
    )[session_type.pk]


def session_type_slot_is_free(
    *,
    session_type: SessionType,
    start: datetime,
    now: datetime | None = None,
    ignore: Collection[Interval] = (),
) -> bool:
    """Whether a session of this type may start exactly at `start` (all rules and busy time)."""
    found = session_type_free_slots(
        session_type=session_type,
        start=start,
        end=start + timedelta(microseconds=1),
        now=now,
        ignore=ignore,
    )
    return found == [start]


def session_type_free_slots_within(
    *,
    session_type: SessionType,
    windows: Sequence[Interval],
    now: datetime | None = None,
    ignore: Collection[Interval] = (),
) -> list[datetime]:
    """Free start times (UTC, sorted) of one session type inside each of `windows` (sorted, e.g.
    the days of a recurring series). Hours, time off and busy time are read once over their
    span; the slot engine then looks at each window with only the busy time near it, so the
    cost follows the windows, not the span (52 Tuesdays, not a year of the coach's calendar)."""
    if not windows:
        return []
    now = now or timezone.now()
    practice = session_type.practice
    rules = practice.slot_rules(session_type)
    span = Interval(windows[0].start, windows[-1].end)
    all_weekly, all_days_off = _hours_and_time_off(practice_ids=[practice.pk], around=span)
    busy = sorted(
        _busy(practice_ids=[practice.pk], window=span, rules=rules, ignore=ignore)[practice.pk]
    )
    busy_starts = [start for start, _end in busy]
    reach = _reach(rules).total_seconds()
    zone = ZoneInfo(practice.time_zone)
    found: list[float] = []
    for window in windows:
        # Merged busy intervals do not overlap, so those ending after the window's reach starts
        # are the ones starting after the previous one's start: slice by start with slack.
        first = max(bisect_left(busy_starts, window.start.timestamp() - reach) - 1, 0)
        last = bisect_left(busy_starts, window.end.timestamp() + reach)
        found += free_slot_seconds(
            weekly=all_weekly[practice.pk],
            time_off=all_days_off[practice.pk],
            busy=busy[first:last],
            rules=rules,
            zone=zone,
            now=now,
            window=window,
        )
    return [datetime.fromtimestamp(start, UTC) for start in sorted(set(found))]


def practice_ids_free_within(
    *, practice_ids: Iterable[int], within: timedelta, now: datetime | None = None
) -> set[int]:
    """Practices with at least one free slot of an active session type in the next `within`."""
    found = practice_next_free_starts(practice_ids=practice_ids, within=within, now=now)
    return {pid for pid, start in found.items() if start is not None}


def practice_next_free_starts(
    *, practice_ids: Iterable[int], within: timedelta, now: datetime | None = None
) -> dict[int, datetime | None]:
    """Each practice's first free start (UTC) of an active session type in the next `within`,
    None when it has none; practices without an active type are left out.

    The shortest active session type decides: any start that fits a longer session fits a
    shorter one too, since the buffers are the practice's. A fixed number of queries for any
    number of practices.
    """
    now = now or timezone.now()
    window = Interval(now, now + within)
    shortest: dict[int, SessionType] = {}
    for session_type in (
        SessionType.objects.filter(practice_id__in=list(practice_ids), is_active=True)
        .select_related("practice")
        .only("practice_id", "duration_minutes", *(f"practice__{f}" for f in _RULE_FIELDS))
        .order_by("duration_minutes")
    ):
        shortest.setdefault(session_type.practice_id, session_type)
    if not shortest:
        return {}
    ids = list(shortest)
    weekly, days_off = _hours_and_time_off(practice_ids=ids, around=window)
    longest = max((shortest[pid].practice.slot_rules(shortest[pid]) for pid in ids), key=_reach)
    busy = _busy(practice_ids=ids, window=window, rules=longest)
    found: dict[int, datetime | None] = {}
    for pid, session_type in shortest.items():
        practice = session_type.practice
        first = free_slot_seconds(
            weekly=weekly[pid],
            time_off=days_off[pid],
            busy=busy[pid],
            rules=practice.slot_rules(session_type),
            zone=ZoneInfo(practice.time_zone),
            now=now,
            window=window,
            limit=1,
        )
        found[pid] = datetime.fromtimestamp(first[0], UTC) if first else None
    return found


_RULE_FIELDS = ("time_zone", *SLOT_RULE_FIELDS)


FREE_SOON = timedelta(days=7)
BOOKED_OUT_CACHE_KEY = "practices:booked-out:v1"
_BOOKED_OUT_DOWN = frozenset({-1})  # what a failed cache read returns: not a real answer
# Beat refreshes the set every minute; the timeout only matters when beat is not running.
BOOKED_OUT_CACHE_SECONDS = 180


def practice_ids_booked_out() -> frozenset[int]:
    """Published practices with no free slot in the next 7 days, as cached for the directory.

    Working this out for thousands of practices takes about a second, so it is not done per
    request: beat refreshes it every minute (`practices.refresh_booked_out`), and a request
    computes it only when the cache is empty. The set of booked-out practices is the small one,
    so the directory excludes it; a practice published since the last refresh counts as free.
    A practice that was just booked out may show up for up to a minute; its page and the
    booking itself always use live data.
    """
    cached: frozenset[int] | None = cache_read(
        lambda: cache.get(BOOKED_OUT_CACHE_KEY), down=_BOOKED_OUT_DOWN
    )
    if cached is _BOOKED_OUT_DOWN:
        # Redis is down: this process's own copy, so the directory does not spend a second on
        # every request working it out again.
        stored_at, cached = _booked_out_here
        if time.monotonic() - stored_at > BOOKED_OUT_CACHE_SECONDS:
            cached = None
    return cached if cached is not None else practice_ids_booked_out_refresh()


# (time.monotonic() when computed, the set): the copy that serves while Redis is down.
_booked_out_here: tuple[float, frozenset[int] | None] = (0.0, None)


def practice_ids_booked_out_refresh() -> frozenset[int]:
    """Work out the booked-out set, and each published practice's next free time with it (the
    same slot-engine run), and cache both."""
    global _booked_out_here
    published = set(Practice.objects.filter(is_published=True).values_list("pk", flat=True))
    next_free = practice_next_free_starts(practice_ids=published, within=FREE_SOON)
    booked_out = frozenset(pid for pid in published if next_free.get(pid) is None)
    _booked_out_here = (time.monotonic(), booked_out)
    with contextlib.suppress(Exception):  # Redis down: this process keeps its copy (above)
        cache.set_many(
            {BOOKED_OUT_CACHE_KEY: booked_out, NEXT_FREE_CACHE_KEY: next_free},
            timeout=BOOKED_OUT_CACHE_SECONDS,
        )
    return booked_out


NEXT_FREE_CACHE_KEY = "practices:next-free:v1"


def practice_next_free_for_listing(
    practice_ids: Sequence[int], *, now: datetime | None = None
) -> dict[int, datetime | None]:
    """The next free time (UTC) within 7 days of each of a directory page's practices, None for
    none: from what beat cached with the booked-out set (no query), worked out afresh (a fixed
    number of queries) only for those it does not know or whose time has passed since."""
    now = now or timezone.now()
    cached = cache_read(lambda: cache.get(NEXT_FREE_CACHE_KEY), down=None) or {}
    found = {pid: cached[pid] for pid in practice_ids if pid in cached}
    stale = [pid for pid, start in found.items() if start is not None and start <= now]
    missing = [pid for pid in practice_ids if pid not in found] + stale
    if missing:
        found.update(practice_next_free_starts(practice_ids=missing, within=FREE_SOON, now=now))
    return found


def _reach(rules: SlotRules) -> timedelta:
    return rules.duration + rules.buffer_before + rules.buffer_after


def _hours_and_time_off(
    *, practice_ids: list[int], around: Interval
) -> tuple[defaultdict[int, list[WeeklyWindow]], defaultdict[int, list[DateRange]]]:
    """Weekly hours and the time off near `around`, per practice, in one round trip (a UNION:
    a time-off row has weekday -1 and no times, an hours row no days)."""
    # Time off is kept as whole days in each practice's zone; a day of slack around the UTC
    # dates covers every zone without knowing which one.
    first = around.start.astimezone(UTC).date() - timedelta(days=1)
    last = around.end.astimezone(UTC).date() + timedelta(days=1)
    if connection.vendor == "postgresql":
        rows = _hours_and_time_off_rows_sql(practice_ids, first, last)
    else:
        rows = _hours_and_time_off_rows_orm(practice_ids, first, last)
    weekly: defaultdict[int, list[WeeklyWindow]] = defaultdict(list)
    off: defaultdict[int, list[DateRange]] = defaultdict(list)
    for practice_id, weekday, start, end, first_day, last_day in rows:
        if weekday < 0:
            off[practice_id].append(DateRange(first_day, last_day))
        else:
            weekly[practice_id].append(WeeklyWindow(weekday, start, end))
    return weekly, off


# Written out for PostgreSQL: building and compiling the same UNION through the ORM took
# 2-2.5 ms of CPU on every page with free times (practice page, booking page, slots.json),
# running it 0.3 ms. Same rows as _hours_and_time_off_rows_orm (tests compare the two).
_HOURS_AND_TIME_OFF_SQL = """
SELECT practice_id, weekday, start_time, end_time, NULL::date, NULL::date
FROM practices_weeklyhours WHERE practice_id = ANY(%s::bigint[])
UNION ALL
SELECT practice_id, -1, NULL::time, NULL::time, first_day, last_day
FROM practices_timeoff
WHERE practice_id = ANY(%s::bigint[]) AND last_day >= %s AND first_day <= %s
"""


def _hours_and_time_off_rows_sql(practice_ids: list[int], first: date, last: date) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(_HOURS_AND_TIME_OFF_SQL, [practice_ids, practice_ids, first, last])
        return cursor.fetchall()


def _hours_and_time_off_rows_orm(practice_ids: list[int], first: date, last: date):
    """The same rows on any database (the demo's SQLite)."""
    no_day = Value(None, output_field=DateField())
    no_time = Value(None, output_field=TimeField())
    # No ORDER BY in either half: SQLite refuses one inside a compound statement.
    hours = (
        WeeklyHours.objects.filter(practice_id__in=practice_ids)
        .order_by()
        .values_list("practice_id", "weekday", "start_time", "end_time", no_day, no_day)
    )
    days_off = (
        TimeOff.objects.filter(
            practice_id__in=practice_ids, last_day__gte=first, first_day__lte=last
        )
        .order_by()
        .values_list(
            "practice_id",
            Value(-1, output_field=IntegerField()),
            no_time,
            no_time,
            "first_day",
            "last_day",
        )
    )
    return hours.union(days_off, all=True)


def _busy(
    *,
    practice_ids: list[int],
    window: Interval,
    rules: SlotRules,
    ignore: Collection[Interval] = (),
) -> defaultdict[int, list[tuple[float, float]]]:
    """Busy time as (start, end) seconds since the epoch, the slot engine's unit."""
    # A slot starting inside the window blocks time from (start - buffer_before) up to
    # (start + duration + buffer_after), so ask for busy time over that wider range.
    busy = practice_busy_seconds(
        practice_ids=practice_ids,
        start=window.start - rules.buffer_before,
        end=window.end + rules.duration + rules.buffer_after,
        ignore=ignore,
    )
    return defaultdict(list, busy)
