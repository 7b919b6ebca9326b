"""Lays out the coach's calendar: which day column, which quarter-hour rows and which side-by-side
lane each session, block or busy time takes, and the free working hours. Pure: no ORM, no clock.

The page's CSS places things by class (style-src 'self' allows no inline styles): `cal-r<N>`
is the first quarter-hour row (1 = the grid's first hour), `cal-s<N>` the number of rows,
`cal-c<N>`/`cal-w<N>` the first lane and how many lanes wide. Times are wall-clock in the
viewer's zone; something crossing midnight shows on both days.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from math import ceil
from zoneinfo import ZoneInfo

from coaching.practices.availability import Interval

FIRST_HOUR, LAST_HOUR = 8, 19  # shown at least; widened to every opening, session and block
MAX_LANES = 4


@dataclass(frozen=True)
class Thing:
    """Something with a time in the calendar, before it is placed."""

    start: datetime
    end: datetime
    kind: str  # booking, block, busy
    title: str  # first line, e.g. the client
    detail: str = ""  # second line, e.g. the session
    status: str = ""  # said after the time: "cancelled", "past", ...
    classes: str = ""  # extra CSS classes (state-…, is-past, is-cancelled)
    url: str = ""  # a link (the booking's page)
    remove_url: str = ""  # a POST removes it (an hour block)
    takes_time: bool = True  # a cancelled session leaves the hour free


@dataclass
class Placed:
    thing: Thing
    start: datetime  # clipped to the day, in the viewer's zone
    end: datetime
    row: int = 1
    span: int = 1
    lane: int = 1
    width: int = 1

    @property
    def full_text(self) -> str:
        """Everything about it on one line: the tooltip, and what a screen reader hears."""
        zone = self.start.tzinfo
        start, end = self.thing.start.astimezone(zone), self.thing.end.astimezone(zone)
        parts = [f"{start:%H:%M}–{end:%H:%M}", self.thing.title]
        parts += [p for p in (self.thing.detail, self.thing.status) if p]
        return " · ".join(parts)


@dataclass
class FreeHour:
    start: datetime
    end: datetime
    row: int
    url: str  # "" when past or nothing can block it


@dataclass
class DayColumn:
    day: date
    is_today: bool
    is_focus: bool
    off: str | None = None  # the time-off note ("" without one) on a day off
    openings: list[tuple[int, int]] = field(default_factory=list)  # (row, span)
    free: list[FreeHour] = field(default_factory=list)
    items: list[Placed] = field(default_factory=list)
    lanes: int = 1
    ghost_lanes: int = 0  # the last lanes hold only cancelled sessions
    now_row: int | None = None  # the quarter hour that is now, on today's column
    url: str = ""  # this day alone (set by the view)


@dataclass
class Grid:
    days: list[DayColumn]
    first_hour: int
    last_hour: int

    @property
    def rows(self) -> int:
        return (self.last_hour - self.first_hour) * 4

    @property
    def hours(self) -> list[tuple[int, int]]:
        """(hour, its first row) for the time labels."""
        return [(h, (h - self.first_hour) * 4 + 1) for h in range(self.first_hour, self.last_hour)]


def _minutes(moment: datetime, day: date) -> int:
    """Wall-clock minutes of `moment` from the start of `day` (24 * 60 at the next midnight)."""
    if moment.date() > day:
        return 24 * 60
    return moment.hour * 60 + moment.minute


def _clip(
    start: datetime, end: datetime, day: date, zone: ZoneInfo
) -> tuple[datetime, datetime] | None:
    """The part of [start, end) on `day` in `zone`, or None."""
    day_start = datetime.combine(day, time(0), tzinfo=zone)
    day_end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    if start >= day_end or end <= day_start:
        return None
    return max(start, day_start).astimezone(zone), min(end, day_end).astimezone(zone)


def _assign_lanes(items: list[Placed]) -> tuple[int, int]:
    """Side by side where they overlap, each as wide as the free lanes to its right allow;
    cancelled sessions after the rest, so they end up in the last lanes. Returns the number
    of lanes and how many of the last ones hold only cancelled sessions (drawn narrower)."""
    lanes_end: list[int] = []  # per lane, the row after its last item
    ordered = sorted(items, key=lambda i: (not i.thing.takes_time, i.row, -i.span))
    for item in ordered:
        for index, busy_until in enumerate(lanes_end):
            if busy_until <= item.row:
                item.lane = index + 1
                lanes_end[index] = item.row + item.span
                break
        else:
            if len(lanes_end) < MAX_LANES:
                lanes_end.append(item.row + item.span)
                item.lane = len(lanes_end)
            else:  # very crowded: the last lane takes the rest, overlapping
                item.lane = MAX_LANES
                lanes_end[-1] = max(lanes_end[-1], item.row + item.span)
    lanes = len(lanes_end) or 1
    for item in items:
        width = 1
        while item.lane + width <= lanes and not any(
            other.lane == item.lane + width
            and other.row < item.row + item.span
            and item.row < other.row + other.span
            for other in items
        ):
            width += 1
        item.width = width
    ghosts = 0
    while ghosts < lanes - 1 and all(
        not item.thing.takes_time for item in items if item.lane == lanes - ghosts
    ):
        ghosts += 1
    return lanes, ghosts


def lay_out(
    *,
    days: list[date],
    focus: date,
    zone: ZoneInfo,
    now: datetime,
    things: Iterable[Thing],
    openings: Iterable[Interval],
    days_off: Iterable[tuple[date, date, str]],
    block_url: Callable[[datetime, datetime], str] | None,
) -> Grid:
    things = list(things)
    openings = list(openings)
    off = list(days_off)
    today = now.astimezone(zone).date()
    columns = [DayColumn(day=d, is_today=d == today, is_focus=d == focus) for d in days]

    # The hours shown: the default span widened to the openings, sessions and blocks (not to an
    # imported all-day event, which would stretch the grid to midnight for little news).
    first, last = FIRST_HOUR * 60, LAST_HOUR * 60
    for column in columns:
        for start, end in _parts(openings, column.day, zone) + _parts(
            [Interval(t.start, t.end) for t in things if t.kind != "busy"], column.day, zone
        ):
            first = min(first, _minutes(start, column.day))
            last = max(last, _minutes(end, column.day))
    first_hour, last_hour = first // 60, min(24, ceil(last / 60))
    top, bottom = first_hour * 60, last_hour * 60

    def rows(start: datetime, end: datetime, day: date) -> tuple[int, int] | None:
        begin = max(_minutes(start, day), top)
        finish = min(_minutes(end, day), bottom)
        if finish <= begin:
            return None
        row = (begin - top) // 15 + 1
        return row, max(1, ceil((finish - top) / 15) + 1 - row)

    for column in columns:
        note = next((n for a, b, n in off if a <= column.day <= b), None)
        column.off = note
        for thing in things:
            part = _clip(thing.start, thing.end, column.day, zone)
            placed_rows = rows(part[0], part[1], column.day) if part else None
            if part and placed_rows:
                column.items.append(Placed(thing, part[0], part[1], *placed_rows))
        column.lanes, column.ghost_lanes = _assign_lanes(column.items)
        if column.is_today:
            minutes = _minutes(now.astimezone(zone), column.day)
            if top <= minutes < bottom:
                column.now_row = (minutes - top) // 15 + 1
        for start, end in _parts(openings, column.day, zone) if note is None else ():
            placed_rows = rows(start, end, column.day)
            if placed_rows:
                column.openings.append(placed_rows)
            column.free += _free_hours(start, end, column, now, zone, block_url, top)
    return Grid(days=columns, first_hour=first_hour, last_hour=last_hour)


def _parts(
    intervals: Iterable[Interval], day: date, zone: ZoneInfo
) -> list[tuple[datetime, datetime]]:
    parts = []
    for interval in intervals:
        part = _clip(interval.start, interval.end, day, zone)
        if part:
            parts.append(part)
    return parts


def _free_hours(start, end, column, now, zone, block_url, top) -> list[FreeHour]:
    """Whole hours inside an opening that nothing takes; each links to blocking it unless past."""
    free = []
    hour = start.replace(minute=0, second=0, microsecond=0)
    if hour < start:
        hour += timedelta(hours=1)
    while True:
        cell_start = datetime.combine(column.day, time(hour.hour), tzinfo=zone)
        cell_end = cell_start + timedelta(hours=1)
        if cell_end > end or hour.date() != column.day:
            break
        taken = any(
            item.thing.takes_time and item.start < cell_end and item.end > cell_start
            for item in column.items
        )
        if not taken:
            url = block_url(cell_start, cell_end) if block_url and cell_start >= now else ""
            row = (hour.hour * 60 - top) // 15 + 1
            free.append(FreeHour(cell_start, cell_end, row, url))
        hour += timedelta(hours=1)
        if hour.hour == 0:
            break
    return free
