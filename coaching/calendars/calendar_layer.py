"""What calendars adds to the coach's calendar page (bookings' calendar_layers registry): the
hour blocks, each with its remove button, the busy times imported from the coach's calendars,
and the address of the form that blocks a free hour."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.db.models import CharField, Value
from django.urls import reverse
from django.utils.translation import gettext as _

from coaching.bookings.calendar_layers import CalendarEntry, CalendarLayer
from coaching.calendars.models import BusyInterval, HourBlock
from coaching.practices.models import Practice


def calendar_entries(*, practice: Practice, start: datetime, end: datetime) -> list[CalendarEntry]:
    """Blocks and imported busy times overlapping [start, end), in one query. Busy times that
    touch or overlap are shown as one stretch: a calendar with many small events stays legible."""
    blocks = (
        HourBlock.objects.filter(practice=practice, start__lt=end, end__gt=start)
        .order_by()
        .values_list("pk", "start", "end", _text("block"), _text(""))
    )
    busy = (
        BusyInterval.objects.filter(practice=practice, start__lt=end, end__gt=start)
        .order_by()
        .values_list("pk", "start", "end", _text("busy"), "calendar__name")
    )
    entries: list[CalendarEntry] = []
    stretch: list = []  # [start, end, calendar names] of the busy stretch being merged
    rows = sorted(blocks.union(busy, all=True), key=lambda row: row[1])
    for pk, lower, upper, kind, calendar in rows:
        if kind == "block":
            entries.append(
                CalendarEntry(
                    start=lower,
                    end=upper,
                    kind="block",
                    label=_("Blocked"),
                    remove_url=reverse("calendars:block_remove", args=[pk]),
                )
            )
        elif stretch and lower <= stretch[1]:
            stretch[1] = max(stretch[1], upper)
            stretch[2].add(calendar)
        else:
            if stretch:
                entries.append(_busy(*stretch))
            stretch = [lower, upper, {calendar}]
    if stretch:
        entries.append(_busy(*stretch))
    return entries


def _text(value: str) -> Value:
    return Value(value, output_field=CharField())


def _busy(start: datetime, end: datetime, calendars: set[str]) -> CalendarEntry:
    return CalendarEntry(
        start=start,
        end=end,
        kind="busy",
        label=_("Busy (%(calendars)s)") % {"calendars": ", ".join(sorted(calendars))},
    )


def block_form_url(*, practice: Practice, start: datetime | None, end: datetime | None) -> str:
    """The block form, filled in with [start, end) in the practice's zone (its form's zone)."""
    url = reverse("calendars:block_add")
    if start is None or end is None:
        return url
    zone = ZoneInfo(practice.time_zone)
    start, end = start.astimezone(zone), end.astimezone(zone)
    query = {"day": start.date().isoformat(), "start_time": f"{start:%H:%M}"}
    query["end_time"] = f"{end:%H:%M}"
    return f"{url}?{urlencode(query)}"


LAYER = CalendarLayer(entries=calendar_entries, block_url=block_form_url)
