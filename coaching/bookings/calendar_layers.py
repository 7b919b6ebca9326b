"""What the apps above bookings show in the coach's calendar (see coach_calendar.py).

Bookings must not import them (calendars: hour blocks and the busy times imported from the
coach's own calendars), so they register a layer here from their AppConfig.ready():

    register_calendar_layer(CalendarLayer(entries=calendar_entries, block_url=block_form_url))

`entries(*, practice, start, end)` returns what overlaps [start, end) (UTC) in one query;
`block_url(*, practice, start, end)` is the address of the form that blocks that time, offered
on every free working hour (start and end None: the empty form). Without a layer the calendar
shows sessions, hours and time off.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from coaching.practices.models import Practice


@dataclass(frozen=True)
class CalendarEntry:
    start: datetime
    end: datetime
    kind: str  # "block" or "busy": how it looks (is-block, is-busy) and what the legend says
    label: str  # shown, and in full on hover
    remove_url: str = ""  # a POST here removes it (an hour block)


@dataclass(frozen=True)
class CalendarLayer:
    entries: Callable[..., list[CalendarEntry]]
    block_url: Callable[..., str] | None = None


_layers: list[CalendarLayer] = []


def register_calendar_layer(layer: CalendarLayer) -> CalendarLayer:
    if layer not in _layers:
        _layers.append(layer)
    return layer


def layer_entries(*, practice: Practice, start: datetime, end: datetime) -> list[CalendarEntry]:
    found: list[CalendarEntry] = []
    for layer in _layers:
        found.extend(layer.entries(practice=practice, start=start, end=end))
    return found


def block_url_maker(
    practice: Practice,
) -> Callable[[datetime | None, datetime | None], str] | None:
    """(start, end) -> the address of the form blocking that time (an empty form for None), or
    None when no layer blocks time."""
    for layer in _layers:
        if layer.block_url is not None:
            make = layer.block_url
            return lambda start, end: make(practice=practice, start=start, end=end)
    return None


__all__ = [
    "CalendarEntry",
    "CalendarLayer",
    "block_url_maker",
    "layer_entries",
    "register_calendar_layer",
]
