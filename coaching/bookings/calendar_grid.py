"""Lays out the coach's calendar: which day column, which quarter-hour rows and which side-by-side
lane each session, block or busy time takes, and the free working hours. Pure: no ORM, no clock.

The page's CSS places things by class (style-src 'self' allows no inline styles): `cal-r<N>`
is the first quarter-hour row (1 = the grid's first hour), `cal-s<N>` the number of rows,
`cal-c<N>`/`cal-w<N>` the first lane and how many lanes wide. Times are in the viewer's zone;
something crossing midnight shows on both days.

Rows follow real time, not the wall clock: the grid's hours are the (hour, fold) pairs that really
happen on the days shown, so on the day the clocks go forward there is no 02:00 row (a column of
23 hours: 01:00, 03:00) and on the day they go back 02:00 comes twice (25 hours). In a week, an
hour that another day has and this one lacks is a gap in this day's column, so each entry still
starts and ends at the rows its times are labelled with and nothing sits an hour off.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
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
    gaps: list[tuple[int, int]] = field(default_factory=list)  # (row, span): hours it has not
    free: list[FreeHour] = field(default_factory=list)
    items: list[Placed] = field(default_factory=list)
    lanes: int = 1
    ghost_lanes: int = 0  # the last lanes hold only cancelled sessions
    now_row: int | None = None  # the quarter hour that is now, on today's column
    url: str = ""  # this day alone (set by the view)


Slot = tuple[int, int]  # an hour as the clock shows it, with `fold` 1 for its second coming


@dataclass(frozen=True)
class HourLabel:
    text: str  # "02:00"
    row: int
    zone: str = ""  # "CEST", "CET": said only where the same hour comes twice


@dataclass(frozen=True)
class ClockChange:
    day: date
    before: time  # what the clock would have shown (02:00 in spring)
    after: time  # what it shows instead (03:00)


@dataclass
class Grid:
    days: list[DayColumn]
    slots: list[Slot]
    zones: dict[Slot, str] = field(default_factory=dict)  # names of the hours that come twice
    changes: list[ClockChange] = field(default_factory=list)

    @property
    def first_hour(self) -> int:
        return self.slots[0][0]

    @property
    def last_hour(self) -> int:
        return self.slots[-1][0] + 1

    @property
    def rows(self) -> int:
        return len(self.slots) * 4

    @property
    def hours(self) -> list[HourLabel]:
        """The time labels, each at its hour's first row."""
        return [
            HourLabel(f"{slot[0]:02d}:00", index * 4 + 1, self.zones.get(slot, ""))
            for index, slot in enumerate(self.slots)
        ]


def _local(moment: datetime, zone: ZoneInfo) -> datetime:
    """`moment` in `zone` by way of UTC, so `fold` tells October's two 02:30s apart and a wall
    time the clocks skip becomes the moment it really means."""
    return moment.astimezone(UTC).astimezone(zone)


def _slot(moment: datetime) -> Slot:
    return moment.hour, moment.fold


@dataclass(frozen=True)
class _DayHours:
    slots: list[Slot]  # in the order they happen
    names: dict[Slot, str]  # zone names, on a day the clocks change
    changes: list[ClockChange]


Bounds = tuple[datetime, datetime]  # a day's first moment and the next day's, in UTC


def _bounds(day: date, zone: ZoneInfo) -> Bounds:
    # In UTC: datetimes sharing a tzinfo compare by wall clock, blind to `fold`; against UTC
    # any aware datetime compares by the moment it means.
    start = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
    return start, datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)


def _day_hours(day: date, zone: ZoneInfo) -> _DayHours:
    """The hours `day` really has in `zone`."""
    start, end = _bounds(day, zone)
    if end - start == timedelta(days=1) and (
        start.astimezone(zone).utcoffset() == end.astimezone(zone).utcoffset()
    ):
        return _DayHours([(hour, 0) for hour in range(24)], {}, [])
    # The clocks change today: walk it in real quarter hours (offsets change at quarter hours).
    slots: list[Slot] = []
    names: dict[Slot, str] = {}
    changes: list[ClockChange] = []
    previous = None
    moment = start
    while moment < end:
        local = moment.astimezone(zone)
        if previous is not None and local.utcoffset() != previous.utcoffset():
            before = (previous.replace(tzinfo=None) + timedelta(minutes=15)).time()
            changes.append(ClockChange(day, before, local.time()))
        if _slot(local) not in names:
            slots.append(_slot(local))
            names[_slot(local)] = local.tzname() or ""
        previous = local
        moment += timedelta(minutes=15)
    return _DayHours(slots, names, changes)


def _axis(hours: list[_DayHours], low: Slot, high: Slot) -> Grid:
    """The hours from `low` to `high` that any of the days has: (hour, fold) sorts the second
    02:00 between the first and 03:00."""
    slots = sorted({slot for day in hours for slot in day.slots if low <= slot <= high})
    zones: dict[Slot, str] = {}
    for day in hours:
        for hour, fold in day.slots:
            if fold and (hour, 0) in day.names:
                zones[(hour, 0)], zones[(hour, 1)] = day.names[(hour, 0)], day.names[(hour, 1)]
    return Grid(days=[], slots=slots, zones=zones, changes=[c for d in hours for c in d.changes])


def _clip(
    start: datetime, end: datetime, day: Bounds, zone: ZoneInfo
) -> tuple[datetime, datetime] | None:
    """The part of [start, end) on the day within `day`'s bounds, in `zone`, or None."""
    day_start, day_end = day
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
    low, high = (FIRST_HOUR, 0), (LAST_HOUR - 1, 0)
    bounds = [_bounds(column.day, zone) for column in columns]
    for day in bounds:
        for start, end in _parts(openings, day, zone) + _parts(
            [Interval(t.start, t.end) for t in things if t.kind != "busy"], day, zone
        ):
            low = min(low, _slot(start))
            high = max(high, _slot(_local(end.astimezone(UTC) - timedelta(microseconds=1), zone)))
    hours = [_day_hours(column.day, zone) for column in columns]
    grid = _axis(hours, low, high)
    grid.days = columns
    index = {slot: i for i, slot in enumerate(grid.slots)}

    def minutes(moment: datetime, day: date) -> int:
        """Minutes from the grid's top to `moment` (local, on `day` or its next midnight)."""
        slot = _slot(moment)
        if moment.date() > day or slot > grid.slots[-1]:
            return len(grid.slots) * 60
        if slot < grid.slots[0]:
            return 0
        return index[slot] * 60 + moment.minute

    def rows(start: datetime, end: datetime, day: date) -> tuple[int, int] | None:
        begin, finish = minutes(start, day), minutes(end, day)
        if finish <= begin:
            return None
        row = begin // 15 + 1
        return row, max(1, ceil(finish / 15) + 1 - row)

    for column, day, day_hours in zip(columns, bounds, hours, strict=True):
        column.gaps = _gaps(grid.slots, set(day_hours.slots))
        note = next((n for a, b, n in off if a <= column.day <= b), None)
        column.off = note
        for thing in things:
            part = _clip(thing.start, thing.end, day, zone)
            placed_rows = rows(part[0], part[1], column.day) if part else None
            if part and placed_rows:
                column.items.append(Placed(thing, part[0], part[1], *placed_rows))
        column.lanes, column.ghost_lanes = _assign_lanes(column.items)
        if column.is_today:
            local_now = _local(now, zone)
            at = minutes(local_now, column.day)
            if grid.slots[0] <= _slot(local_now) <= grid.slots[-1] and at < grid.rows * 15:
                column.now_row = at // 15 + 1
        for start, end in _parts(openings, day, zone) if note is None else ():
            placed_rows = rows(start, end, column.day)
            if placed_rows:
                column.openings.append(placed_rows)
            column.free += _free_hours(start, end, column, now, zone, block_url, minutes)
    return grid


def _gaps(slots: list[Slot], has: set[Slot]) -> list[tuple[int, int]]:
    """(row, span) of the runs of shown hours a day does not have."""
    gaps: list[tuple[int, int]] = []
    for i, slot in enumerate(slots):
        if slot in has:
            continue
        if gaps and gaps[-1][0] + gaps[-1][1] == i * 4 + 1:
            gaps[-1] = (gaps[-1][0], gaps[-1][1] + 4)
        else:
            gaps.append((i * 4 + 1, 4))
    return gaps


def _parts(
    intervals: Iterable[Interval], day: Bounds, zone: ZoneInfo
) -> list[tuple[datetime, datetime]]:
    parts = []
    for interval in intervals:
        part = _clip(interval.start, interval.end, day, zone)
        if part:
            parts.append(part)
    return parts


def _free_hours(start, end, column, now, zone, block_url, minutes) -> list[FreeHour]:
    """Whole hours inside an opening that nothing takes; each links to blocking it unless past.
    Counted in real hours, so the day the clocks go back offers both 02:00s."""
    free = []
    cell = start.astimezone(UTC)
    into_hour = timedelta(
        minutes=start.minute, seconds=start.second, microseconds=start.microsecond
    )
    if into_hour:
        cell += timedelta(hours=1) - into_hour
    last = end.astimezone(UTC)
    while cell + timedelta(hours=1) <= last:
        after = cell + timedelta(hours=1)
        cell_start, cell_end = cell.astimezone(zone), after.astimezone(zone)
        taken = any(  # against UTC, so by the moment
            item.thing.takes_time and item.start < after and item.end > cell
            for item in column.items
        )
        if not taken and cell_start.minute == 0:
            url = block_url(cell_start, cell_end) if block_url and cell >= now else ""
            row = minutes(cell_start, column.day) // 15 + 1
            free.append(FreeHour(cell_start, cell_end, row, url))
        cell += timedelta(hours=1)
    return free
