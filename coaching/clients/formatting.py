"""Links and dates for pages that show one line per client or message, made once per page.

The client list and a thread show 50 lines, each with a link or two and a date. Through the
template ({% url %} and the date filter) that was a URL reverse and a localised date format per
line, a third of the page's time (profile in bench/clients.py's docstring). These give the same
strings: one reverse per page and per URL name, the day and month names translated once per
page, in the viewer's language and time zone like the template's filters (tests/clients/
test_formatting.py compares them with {% url %} and |date for every month and weekday).
"""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3, WEEKDAYS_ABBR

# An id no row has, so it occurs once in the reversed path and is cut out there.
_PLACEHOLDER = "987654321"


class PathFor:
    """reverse(name, args=[pk]) for many pks at the cost of one reverse."""

    def __init__(self, name: str) -> None:
        self._head, _, self._tail = reverse(name, args=[int(_PLACEHOLDER)]).partition(_PLACEHOLDER)

    def __call__(self, pk: int) -> str:
        return f"{self._head}{int(pk)}{self._tail}"


class PageDates:
    """The date filter's output for the formats these pages use, for the language and time
    zone active when it is made (the request's)."""

    def __init__(self) -> None:
        self._zone = timezone.get_current_timezone()
        self._days = [str(WEEKDAYS_ABBR[day]) for day in range(7)]
        self._months = [""] + [str(MONTHS_3[month]).title() for month in range(1, 13)]

    def weekday_time(self, value: datetime) -> str:
        """|date:"D j. M, H:i" (Tue 6. Jan, 09:30)."""
        local = value.astimezone(self._zone)
        return (
            f"{self._days[local.weekday()]} {local.day}. {self._months[local.month]}, "
            f"{local.hour:02d}:{local.minute:02d}"
        )

    def day_time(self, value: datetime) -> str:
        """|date:"j. M, H:i" (6. Jan, 09:30)."""
        local = value.astimezone(self._zone)
        return f"{local.day}. {self._months[local.month]}, {local.hour:02d}:{local.minute:02d}"

    def day_year(self, value: datetime) -> str:
        """|date:"j. M Y" (6. Jan 2026)."""
        local = value.astimezone(self._zone)
        return f"{local.day}. {self._months[local.month]} {local.year:04d}"
