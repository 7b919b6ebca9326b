"""The series check: which occurrences of "same weekday and time, every N weeks" can be held.

`series_starts` and `series_plan` are pure (no ORM, no clock): the plan takes the free starts the
slot engine found and marks each wanted occurrence free or not, with alternatives on the same
day. `series_check` feeds it from the database: the slot engine asks about each wanted start
alone and looks at a whole day only where a start is not free, with the hours and busy time read
once per look (a fixed number of queries for any number of occurrences), which is what makes 52
weekly occurrences against a busy coach cheap.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from coaching.practices.availability import Interval
from coaching.practices.models import SessionType
from coaching.practices.selectors import session_type_free_slots_within

MAX_ALTERNATIVES = 3
INSTANT = timedelta(microseconds=1)


@dataclass(frozen=True)
class Occurrence:
    start: datetime  # the wanted start, UTC
    free: bool
    # Free starts on the same local day, nearest to the wanted time first (when not free).
    alternatives: tuple[datetime, ...] = ()


def series_starts(
    first: datetime, *, interval_weeks: int, count: int, zone: ZoneInfo
) -> list[datetime]:
    """`count` starts from `first`, each `interval_weeks` weeks later on the same weekday and
    wall-clock time in `zone` (so 18:00 stays 18:00 across a daylight-saving change)."""
    local = first.astimezone(zone)
    starts = []
    for k in range(count):
        day = local.date() + timedelta(weeks=k * interval_weeks)
        wall = datetime.combine(day, local.time().replace(tzinfo=None), tzinfo=zone)
        starts.append(wall.astimezone(UTC))
    return starts


def series_plan(
    starts: Sequence[datetime], free: Sequence[datetime], *, zone: ZoneInfo
) -> list[Occurrence]:
    """Each wanted start, free if the slot engine offered exactly it; otherwise the free starts
    of that local day as alternatives. `free` is sorted (as the slot engine returns it)."""
    free_set = set(free)
    plan = []
    for start in starts:
        if start in free_set:
            plan.append(Occurrence(start, True))
            continue
        day = _local_day(start, zone)
        same_day = free[bisect_left(free, day.start) : bisect_left(free, day.end)]
        nearest = sorted(same_day, key=lambda s: (abs(s - start), s))[:MAX_ALTERNATIVES]
        plan.append(Occurrence(start, False, tuple(nearest)))
    return plan


def series_check(
    *,
    session_type: SessionType,
    first_start: datetime,
    interval_weeks: int,
    count: int,
    now: datetime | None = None,
    ignore: Collection[Interval] = (),
) -> list[Occurrence]:
    """The plan for a series of `session_type` (its `practice` loaded). The slot engine first
    looks at each wanted start alone (a window of one instant: the engine's own "is this start
    free" question, one step per occurrence instead of a whole day's), then at the whole local
    day of the occurrences that are not free, for their alternatives. Hours and busy time are
    read once per look: three queries when every occurrence is free, six at most."""
    zone = ZoneInfo(session_type.practice.time_zone)
    starts = series_starts(first_start, interval_weeks=interval_weeks, count=count, zone=zone)
    exact = session_type_free_slots_within(
        session_type=session_type,
        windows=[Interval(start, start + INSTANT) for start in starts],
        now=now,
        ignore=ignore,
    )
    free = set(exact)
    taken = [start for start in starts if start not in free]
    if taken:
        free.update(
            session_type_free_slots_within(
                session_type=session_type,
                windows=[_local_day(start, zone) for start in taken],
                now=now,
                ignore=ignore,
            )
        )
    return series_plan(starts, sorted(free), zone=zone)


def _local_day(start: datetime, zone: ZoneInfo) -> Interval:
    day = start.astimezone(zone).date()
    return Interval(
        datetime.combine(day, datetime.min.time(), tzinfo=zone).astimezone(UTC),
        datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=zone).astimezone(UTC),
    )
