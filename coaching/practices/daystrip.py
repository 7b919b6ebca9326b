"""The practice page's booking panel: session types as cards, a strip of days, one day's times.

Pure: it arranges free times already worked out (selectors.practice_free_slots) for the
template; no ORM, no clock (`today` is passed in). The page asks the slot engine for the
chosen type over the strip's days and for only the first free time of the others.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import groupby
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from coaching.practices.models import SessionType

STRIP_DAYS = 14


@dataclass(frozen=True)
class StripWindow:
    """The days the strip shows: [first, end), in pages of 14 days counted from today; any day
    from today to last_day may be picked."""

    today: date
    last_day: date
    first: date
    end: date
    earlier: date | None  # first day of the page before, if any
    later: date | None  # first day of the page after, if it is still bookable


def strip_window(*, today: date, last_day: date, day: date) -> StripWindow:
    """The page of the strip holding `day` (clamped to today .. last_day)."""
    day = min(max(day, today), last_day)
    first = today + timedelta(days=(day - today).days // STRIP_DAYS * STRIP_DAYS)
    end = min(first + timedelta(days=STRIP_DAYS), last_day + timedelta(days=1))
    return StripWindow(
        today=today,
        last_day=last_day,
        first=first,
        end=end,
        earlier=first - timedelta(days=STRIP_DAYS) if first > today else None,
        later=end if end <= last_day else None,
    )


def chosen_type(session_types: Sequence[SessionType], asked: str | None) -> SessionType | None:
    """The session type `?type=` names, else the first one (None only when there is none)."""
    by_id = {str(session_type.pk): session_type for session_type in session_types}
    return by_id.get(asked or "") or (session_types[0] if session_types else None)


def by_local_day(slots: Sequence[datetime], zone: ZoneInfo) -> dict[date, list[datetime]]:
    local = (slot.astimezone(zone) for slot in slots)
    return {day: list(times) for day, times in groupby(local, key=lambda dt: dt.date())}


def booking_panel(
    *,
    session_types: Sequence[SessionType],
    chosen: SessionType,
    slots: dict[int, list[datetime]],
    window: StripWindow,
    asked_day: date | None,
    zone: ZoneInfo,
    coach_zone: ZoneInfo,
    book_url: Callable[[SessionType, datetime], str],
) -> dict:
    """What the panel shows. `slots` holds the chosen type's free times from today to the end
    of the strip, and at most the first of each other type's."""
    days = by_local_day(slots[chosen.pk], zone)
    shown_days = [window.first + timedelta(days=n) for n in range((window.end - window.first).days)]
    if asked_day is not None:
        day = min(max(asked_day, window.first), window.end - timedelta(days=1))
    else:  # the first day with a free time, so the next free times are in view at once
        day = next((d for d in shown_days if d in days), window.first)
    cards = []
    for session_type in session_types:
        first = slots[session_type.pk][0].astimezone(zone) if slots[session_type.pk] else None
        cards.append(
            {"session_type": session_type, "next": first, "selected": session_type is chosen}
        )
    first_free = slots[chosen.pk][0] if slots[chosen.pk] else None
    noon = datetime.combine(day, datetime.min.time(), tzinfo=zone) + timedelta(hours=12)
    return {
        "cards": cards,
        "chosen": chosen,
        "next": (first_free.astimezone(zone), book_url(chosen, first_free)) if first_free else None,
        "strip": [(d, d in days) for d in shown_days],
        "window": window,
        "last_shown": shown_days[-1],
        "day": day,
        "times": [(local, book_url(chosen, local)) for local in days.get(day, [])],
        "zone_name": str(zone),
        # Named only where the coach's clock shows another time than the viewer's that day.
        "coach_zone_name": str(coach_zone)
        if noon.utcoffset() != noon.astimezone(coach_zone).utcoffset()
        else None,
    }
