"""The coach is told at once, by e-mail and in the inbox, when a calendar connection breaks
(a service message: it cannot be switched off, a double booking is at stake)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from coaching.notifications.registry import EMAIL, INBOX, NotificationKind, register

KIND = "calendar_broken"


def _key(connection) -> str:
    # One message per breakage: reconnecting and breaking again is news again.
    return f"cal:{connection.pk}:{connection.broken_at:%y%m%d%H%M%S}"


def _context(row) -> dict[str, Any]:
    from coaching.calendars.models import CalendarConnection

    connection_id = int(row.key.split(":")[1]) if row.key.count(":") >= 2 else 0
    connection = CalendarConnection.objects.filter(pk=connection_id).first()
    return {
        "account": connection.account_name if connection else "",
        "problem": connection.problem if connection else "",
        "settings_url": settings.SITE_URL + reverse("calendars:settings"),
    }


def _skip(row, now) -> str:
    from coaching.calendars.models import CalendarConnection, ConnectionState

    connection_id = int(row.key.split(":")[1]) if row.key.count(":") >= 2 else 0
    state = (
        CalendarConnection.objects.filter(pk=connection_id).values_list("state", flat=True).first()
    )
    if state is None:
        return "connection deleted"
    return "" if state == ConnectionState.BROKEN else "connection works again"


def on_connection_broken(*, connection, **kwargs) -> None:
    from coaching.notifications.queueing import notify

    notify(recipients=[connection.practice.owner], kind=KIND, key=_key(connection))


def register_kinds() -> None:
    register(
        NotificationKind(
            KIND,
            _("calendar connection broken"),
            channels=frozenset({EMAIL, INBOX}),
            context=_context,
            skip_reason=_skip,
        )
    )
