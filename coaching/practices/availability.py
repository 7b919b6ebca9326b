"""The slot engine: which start times are free for one session type of one practice.

Pure code: no ORM, no clock. Callers pass the practice's wall-clock rules, the busy intervals
(UTC, already including the buffers of the bookings that caused them) and `now`.

Contract relied on by bookings:
- `busy` intervals are *blocked* time: a booking blocks [start - buffer_before, end + buffer_after).
- A candidate slot starting at `s` blocks [s - buffer_before, s + duration + buffer_after) and is
  free iff that range overlaps no busy interval, lies inside the weekly hours (the *session*
  [s, s + duration) must lie inside one window, in the practice's zone), is not in time off,
  is at or after now + min_notice and starts before now + horizon.
- Result: sorted, unique, aware datetimes in UTC.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True, slots=True)
class WeeklyWindow:
    """Open hours on one weekday (0 = Monday) in the practice's wall clock; end > start."""

    weekday: int
    start: time
    end: time


@dataclass(frozen=True, slots=True)
class DateRange:
    """Whole days off in the practice's zone, both ends inclusive."""

    first_day: date
    last_day: date


@dataclass(frozen=True, slots=True)
class Interval:
    """Half-open [start, end) in aware UTC datetimes."""

    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class SlotRules:
    duration: timedelta
    buffer_before: timedelta = timedelta(0)
    buffer_after: timedelta = timedelta(0)
    step: timedelta = timedelta(minutes=30)
    min_notice: timedelta = timedelta(hours=12)
    horizon: timedelta = timedelta(days=60)

    def blocked(self, start: datetime) -> Interval:
        """The time a session starting at `start` keeps the coach from other sessions."""
        return Interval(start - self.buffer_before, start + self.duration + self.buffer_after)


def free_slots(
    *,
    weekly: Iterable[WeeklyWindow],
    time_off: Iterable[DateRange],
    busy: Iterable[Interval],
    rules: SlotRules,
    zone: ZoneInfo,
    now: datetime,
    window: Interval,
    limit: int | None = None,
) -> list[datetime]:
    """Free start times in `window` (UTC, sorted, unique); at most `limit` of them if given.

    Slots are laid out from each opening window's start in steps of real (elapsed) time, so a
    daylight-saving change inside opening hours neither invents the skipped spring hour nor drops
    the autumn hour that the clock shows twice: both of its instants are offered, each once.
    """
    found = free_slot_seconds(
        weekly=weekly,
        time_off=time_off,
        busy=[(interval.start.timestamp(), interval.end.timestamp()) for interval in busy],
        rules=rules,
        zone=zone,
        now=now,
        window=window,
        limit=limit,
    )
    return [datetime.fromtimestamp(start, UTC) for start in found]


def free_slot_seconds(
    *,
    weekly: Iterable[WeeklyWindow],
    time_off: Iterable[DateRange],
    busy: Iterable[tuple[float, float]],
    rules: SlotRules,
    zone: ZoneInfo,
    now: datetime,
    window: Interval,
    limit: int | None = None,
) -> list[float]:
    """free_slots as seconds since the epoch, with busy time as (start, end) seconds: what the
    database hands over and what slots.json writes out, so hundreds of busy intervals and slots
    need no datetime each (they were half of the selector's time)."""
    _require_aware(now=now, window_start=window.start, window_end=window.end)
    earliest = max(window.start, now + rules.min_notice)
    latest = min(window.end, now + rules.horizon)  # exclusive bound for a slot's start
    if earliest >= latest or rules.step <= timedelta(0) or rules.duration <= timedelta(0):
        return []

    by_weekday: dict[int, list[WeeklyWindow]] = {}
    for opening in weekly:
        by_weekday.setdefault(opening.weekday, []).append(opening)
    for openings in by_weekday.values():
        openings.sort(key=lambda o: o.start)
    days_off = list(time_off)
    # The inner loop runs once per candidate slot (over a thousand for 60 days): it compares
    # seconds since the epoch rather than datetimes, which it would otherwise create three of
    # per candidate. Both are exact here: whole seconds and microseconds fit a float's 53 bits.
    timeline = _merged(busy)
    grid = _Grid(
        step=rules.step.total_seconds(),
        duration=rules.duration.total_seconds(),
        before=rules.buffer_before.total_seconds(),
        after=rules.buffer_after.total_seconds(),
        earliest=earliest.timestamp(),
        latest=latest.timestamp(),
    )

    slots: set[float] = set()
    # A session that starts inside [earliest, latest) began on one of these local days; one day of
    # slack each side covers zones far from UTC.
    day = earliest.astimezone(zone).date() - timedelta(days=1)
    last_day = latest.astimezone(zone).date() + timedelta(days=1)
    while day <= last_day:
        openings = by_weekday.get(day.weekday(), [])
        if openings and not any(off.first_day <= day <= off.last_day for off in days_off):
            for opening in openings:
                _add_slots_in_opening(slots, day, opening, zone, grid, timeline)
        if limit is not None and len(slots) >= limit:
            # Days are visited in order, so every slot found later starts after the ones we have.
            break
        day += timedelta(days=1)

    ordered = sorted(slots)
    return ordered[:limit] if limit is not None else ordered


@dataclass(frozen=True, slots=True)
class _Grid:
    """SlotRules and the bounds of one call, in seconds."""

    step: float
    duration: float
    before: float
    after: float
    earliest: float
    latest: float


@dataclass(frozen=True, slots=True)
class _Timeline:
    """Merged busy intervals (sorted, disjoint) as seconds."""

    starts: list[float]
    ends: list[float]


def _add_slots_in_opening(
    slots: set[float],
    day: date,
    opening: WeeklyWindow,
    zone: ZoneInfo,
    grid: _Grid,
    timeline: _Timeline,
) -> None:
    # A wall time that the spring change skips resolves (fold=0) to the instant the clock jumps
    # to, and an autumn wall time that repeats resolves to its first occurrence. Steps are real
    # (elapsed) seconds from there, so a change inside the opening shifts no slot.
    opens = datetime.combine(day, opening.start, tzinfo=zone).timestamp()
    closes = datetime.combine(day, opening.end, tzinfo=zone).timestamp()
    start = opens
    if start < grid.earliest:
        # Jump straight to the first step at or after `earliest`, keeping the grid of this opening.
        start += -((opens - grid.earliest) // grid.step) * grid.step
    starts, ends = timeline.starts, timeline.ends
    # The last busy interval starting before a candidate's blocked end is the only one that can
    # overlap it (disjoint, sorted); candidates only move later, so the index only moves up.
    index = bisect_left(starts, start + grid.duration + grid.after) - 1
    last = len(starts) - 1
    while start < grid.latest and start + grid.duration <= closes:
        blocked_end = start + grid.duration + grid.after
        while index < last and starts[index + 1] < blocked_end:  # half-open: touching is free
            index += 1
        if index < 0 or ends[index] <= start - grid.before:
            slots.add(start)
        start += grid.step


def _merged(busy: Iterable[tuple[float, float]]) -> _Timeline:
    """Sorted, disjoint intervals covering the same time, so one binary search answers overlap."""
    starts: list[float] = []
    ends: list[float] = []
    for start, end in sorted(busy):
        if end <= start:
            continue
        if ends and start <= ends[-1]:
            if end > ends[-1]:
                ends[-1] = end
        else:
            starts.append(start)
            ends.append(end)
    return _Timeline(starts=starts, ends=ends)


def _require_aware(**values: datetime) -> None:
    for name, value in values.items():
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"{name} must be an aware datetime")
