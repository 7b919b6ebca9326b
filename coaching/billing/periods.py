"""Months of SofaDoc's books. Boundaries are a German company's (Europe/Berlin), not the
viewer's time zone: a payment at 23:30 UTC on 31 January belongs to February."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

BOOKS_ZONE = ZoneInfo("Europe/Berlin")


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """First instant of the month and of the next one, aware."""
    first = month.replace(day=1)
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return (
        datetime.combine(first, time.min, tzinfo=BOOKS_ZONE),
        datetime.combine(following, time.min, tzinfo=BOOKS_ZONE),
    )


def previous_month(today: date) -> date:
    first = today.replace(day=1)
    return date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)


def month_of(moment: datetime) -> date:
    return moment.astimezone(BOOKS_ZONE).date().replace(day=1)
