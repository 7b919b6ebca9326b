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

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta


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
