"""The reminder a client gets when the questionnaire or the agreement is still open 48 hours
before a session (registered with the notification kind registry; imported from ready())."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from coaching.bookings.models import BookingState
from coaching.notifications.models import Notification
from coaching.notifications.registry import NotificationKind, register

INTAKE_OPEN = "intake_open"
REMIND_HOURS_BEFORE = 48


def _context(row: Notification) -> dict[str, Any]:
    from coaching.intake.selectors import missing_before_session

    missing = missing_before_session(row.booking) if row.booking is not None else []
    return {
        "missing": [
            {"message": item.message, "url": settings.SITE_URL + item.url} for item in missing
        ]
    }


def _skip_reason(row: Notification, now: datetime) -> str:
    from coaching.intake.selectors import missing_before_session

    booking = row.booking
    if booking is None:
        return ""
    if booking.state != BookingState.CONFIRMED or booking.start <= now:
        return f"booking {booking.state}"
    if not missing_before_session(booking):
        return "nothing open any more"
    return ""


register(
    NotificationKind(
        INTAKE_OPEN,
        _("questionnaire or agreement still open"),
        context=_context,
        skip_reason=_skip_reason,
    )
)
