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
from collections.abc import Iterable, Sequence
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
    blocked = _merged(busy)
    blocked_starts = [interval.start for interval in blocked]

    slots: set[datetime] = set()
    # A session that starts inside [earliest, latest) began on one of these local days; one day of
    # slack each side covers zones far from UTC.
    day = earliest.astimezone(zone).date() - timedelta(days=1)
    last_day = latest.astimezone(zone).date() + timedelta(days=1)
    while day <= last_day:
        openings = by_weekday.get(day.weekday(), [])
        if openings and not any(off.first_day <= day <= off.last_day for off in days_off):
            for opening in openings:
                _add_slots_in_opening(
                    slots, day, opening, zone, rules, earliest, latest, blocked, blocked_starts
                )
        if limit is not None and len(slots) >= limit:
            # Days are visited in order, so every slot found later starts after the ones we have.
            break
        day += timedelta(days=1)

    ordered = sorted(slots)
    return ordered[:limit] if limit is not None else ordered


def _add_slots_in_opening(
    slots: set[datetime],
    day: date,
    opening: WeeklyWindow,
    zone: ZoneInfo,
    rules: SlotRules,
    earliest: datetime,
    latest: datetime,
    blocked: Sequence[Interval],
    blocked_starts: Sequence[datetime],
) -> None:
    # A wall time that the spring change skips resolves (fold=0) to the instant the clock jumps
    # to, and an autumn wall time that repeats resolves to its first occurrence.
    opens = datetime.combine(day, opening.start, tzinfo=zone).astimezone(UTC)
    closes = datetime.combine(day, opening.end, tzinfo=zone).astimezone(UTC)
    start = opens
    if start < earliest:
        # Jump straight to the first step at or after `earliest`, keeping the grid of this opening.
        start += -((opens - earliest) // rules.step) * rules.step
    while start < latest and start + rules.duration <= closes:
        if not _overlaps_busy(
            start - rules.buffer_before,
            start + rules.duration + rules.buffer_after,
            blocked,
            blocked_starts,
        ):
            slots.add(start)
        start += rules.step


def _merged(busy: Iterable[Interval]) -> list[Interval]:
    """Sorted, disjoint intervals covering the same time, so one binary search answers overlap."""
    merged: list[Interval] = []
    for interval in sorted(busy, key=lambda i: i.start):
        if interval.end <= interval.start:
            continue
        if merged and interval.start <= merged[-1].end:
            if interval.end > merged[-1].end:
                merged[-1] = Interval(merged[-1].start, interval.end)
        else:
            merged.append(interval)
    return merged


def _overlaps_busy(
    start: datetime, end: datetime, blocked: Sequence[Interval], starts: Sequence[datetime]
) -> bool:
    # The last busy interval that starts before `end` is the only one that can overlap, because
    # the intervals are disjoint and sorted.
    index = bisect_left(starts, end) - 1  # half-open: one that starts at `end` does not overlap
    return index >= 0 and blocked[index].end > start


def _require_aware(**values: datetime) -> None:
    for name, value in values.items():
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"{name} must be an aware datetime")
