"""The coach's calendar: sessions (past and cancelled ones too), working hours, time off, and
what the apps above add through calendar_layers (hour blocks, busy times from the coach's own
calendars), laid out by calendar_grid for a week or a day in the viewer's zone.

Queries: the sessions, the weekly hours, the time off, and one per registered layer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils.translation import gettext as _

from coaching.bookings.calendar_grid import Grid, Thing, lay_out
from coaching.bookings.calendar_layers import block_url_maker, layer_entries
from coaching.bookings.models import Booking, BookingState
from coaching.practices.models import Practice
from coaching.practices.openings import practice_openings

_HIDDEN = (BookingState.EXPIRED, BookingState.ABANDONED, BookingState.HELD)


@dataclass(frozen=True)
class CalendarPage:
    grid: Grid
    days: list[date]
    focus: date
    view: str  # "week", "day" or "auto" (a week that a phone shows as the focused day)


def _status(booking: Booking, now: datetime) -> tuple[str, str]:
    """What is said after the time, and the card's classes."""
    if booking.state == BookingState.CANCELLED:
        return _("cancelled"), "is-cancelled"
    if booking.state == BookingState.NO_SHOW:
        return _("client did not attend"), "is-past"
    if booking.state == BookingState.COMPLETED:
        return _("completed"), "is-past"
    if booking.end <= now:
        return _("past"), "is-past"
    return "", ""


def _booking_thing(booking: Booking, now: datetime) -> Thing:
    status, classes = _status(booking, now)
    return Thing(
        start=booking.start,
        end=booking.end,
        kind="booking",
        title=(booking.client.display_name if booking.client else "") or _("former client"),
        detail=booking.session_name,
        status=status,
        classes=f"state-{booking.state} {classes}".strip(),
        url=reverse("bookings:detail", args=[booking.reference]),
        takes_time=booking.state != BookingState.CANCELLED,
    )


def coach_calendar(
    *, practice: Practice, focus: date, view: str, zone: ZoneInfo, now: datetime
) -> CalendarPage:
    monday = focus - timedelta(days=focus.weekday())
    days = [focus] if view == "day" else [monday + timedelta(days=i) for i in range(7)]
    start = datetime.combine(days[0], time(0), tzinfo=zone)
    end = datetime.combine(days[-1] + timedelta(days=1), time(0), tzinfo=zone)
    bookings = (
        Booking.objects.filter(practice=practice, start__lt=end, end__gt=start)
        .exclude(state__in=_HIDDEN)
        .select_related("client")
        .order_by("start")
    )
    things = [_booking_thing(b, now) for b in bookings]
    for entry in layer_entries(practice=practice, start=start, end=end):
        things.append(
            Thing(
                start=entry.start,
                end=entry.end,
                kind=entry.kind,
                title=entry.label,
                classes=f"is-{entry.kind}",
                remove_url=entry.remove_url,
            )
        )
    openings, time_off = practice_openings(practice=practice, start=start, end=end)
    grid = lay_out(
        days=days,
        focus=focus,
        zone=zone,
        now=now,
        things=things,
        openings=openings,
        days_off=[(off.first_day, off.last_day, off.note) for off in time_off],
        block_url=block_url_maker(practice),
    )
    return CalendarPage(grid=grid, days=days, focus=focus, view=view)
