"""A practice's opening hours and time off as they fall on real days, for the coach's calendar.

The slot engine (availability.py) turns the same weekly windows into bookable start times; the
calendar shows the windows themselves ("free hours") and the days off with their notes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from coaching.practices.availability import DateRange, Interval, WeeklyWindow
from coaching.practices.models import Practice, TimeOff


def opening_intervals(
    *,
    weekly: Iterable[WeeklyWindow],
    time_off: Iterable[DateRange],
    zone: ZoneInfo,
    first_day: date,
    last_day: date,
) -> list[Interval]:
    """The opening windows of the practice's days first_day..last_day (both in its zone) that are
    not days off, as UTC intervals sorted by start. Pure: no ORM, no clock."""
    windows = sorted(weekly, key=lambda w: (w.weekday, w.start))
    days_off = list(time_off)
    found: list[Interval] = []
    day = first_day
    while day <= last_day:
        if not any(off.first_day <= day <= off.last_day for off in days_off):
            for window in windows:
                if window.weekday == day.weekday():
                    found.append(
                        Interval(
                            datetime.combine(day, window.start, tzinfo=zone).astimezone(UTC),
                            datetime.combine(day, window.end, tzinfo=zone).astimezone(UTC),
                        )
                    )
        day += timedelta(days=1)
    return found


def practice_openings(
    *, practice: Practice, start: datetime, end: datetime
) -> tuple[list[Interval], list[TimeOff]]:
    """Opening windows overlapping [start, end) and the time off touching it (two queries)."""
    zone = ZoneInfo(practice.time_zone)
    # A day of slack each side: the range is in the viewer's zone, the rules in the practice's.
    first_day = start.astimezone(zone).date() - timedelta(days=1)
    last_day = end.astimezone(zone).date() + timedelta(days=1)
    time_off = list(
        TimeOff.objects.filter(practice=practice, last_day__gte=first_day, first_day__lte=last_day)
    )
    weekly = [
        WeeklyWindow(weekday, opens, closes)
        for weekday, opens, closes in practice.weekly_hours.values_list(
            "weekday", "start_time", "end_time"
        )
    ]
    openings = opening_intervals(
        weekly=weekly,
        time_off=[DateRange(off.first_day, off.last_day) for off in time_off],
        zone=zone,
        first_day=first_day,
        last_day=last_day,
    )
    return [o for o in openings if o.start < end and o.end > start], time_off


__all__ = ["opening_intervals", "practice_openings"]
