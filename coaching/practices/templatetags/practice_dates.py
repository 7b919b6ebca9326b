"""Days named the way people say them, in the page's language: "Di., 2. Juni" and
"Dienstag, 2. Juni" (CLDR's patterns through Babel, so English reads "Tue, Jun 2")."""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date, format_skeleton
from django import template
from django.utils import timezone, translation

register = template.Library()


def _day(value: date | datetime) -> date:
    # A time is named by its day in the viewer's zone, as the time beside it is shown.
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def _locale() -> str:
    return translation.to_locale(translation.get_language() or "de")


@register.filter
def day_short(value: date | datetime | None) -> str:
    """ "Di., 2. Juni" / "Tue, Jun 2"."""
    if not value:
        return ""
    return format_skeleton("MMMEd", _day(value), locale=_locale())


@register.filter
def day_long(value: date | datetime | None) -> str:
    """ "Dienstag, 2. Juni" / "Tuesday, June 2"."""
    if not value:
        return ""
    day, locale = _day(value), _locale()
    weekday = format_date(day, "EEEE", locale=locale)
    return f"{weekday}, {format_skeleton('MMMMd', day, locale=locale)}"


@register.filter
def weekday_short(value: date | None) -> str:
    """ "Di" / "Tue"."""
    return format_date(value, "EEE", locale=_locale()).rstrip(".") if value else ""
