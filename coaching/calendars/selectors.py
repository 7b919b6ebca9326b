"""Reads of a practice's calendar connections: the setup page, the red notice, the checklist."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch

from coaching.calendars.models import CalendarConnection, ConnectionState, RemoteCalendar


@dataclass(frozen=True)
class CalendarHealth:
    """What the coach must know about their calendars, from one query."""

    connected: bool
    broken: list[CalendarConnection]
    stale: list[CalendarConnection]  # busy times older than the coach's limit: no slots

    @property
    def needs_attention(self) -> bool:
        return bool(self.broken or self.stale)


def practice_calendar_health(*, practice_id: int) -> CalendarHealth:
    connections = list(
        CalendarConnection.objects.filter(practice_id=practice_id).only(
            "pk",
            "provider",
            "account_name",
            "state",
            "problem",
            "last_success_at",
            "created_at",
            "stale_after_hours",
            "practice_id",
        )
    )
    return CalendarHealth(
        connected=bool(connections),
        broken=[c for c in connections if c.state == ConnectionState.BROKEN],
        stale=[c for c in connections if c.stale_since() is not None],
    )


def practice_connections(*, practice_id: int) -> list[CalendarConnection]:
    """Connections with their calendars, for the settings page (two queries)."""
    return list(
        CalendarConnection.objects.filter(practice_id=practice_id).prefetch_related(
            Prefetch("calendars", queryset=RemoteCalendar.objects.order_by("name"))
        )
    )
