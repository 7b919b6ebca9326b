from __future__ import annotations

from datetime import datetime

from coaching.bookings.models import Booking
from coaching.video.models import ParticipantEvent


def attended_seconds(booking: Booking, *, now: datetime) -> dict[str, int]:
    """Seconds each side spent in the room, from joined/left pairs (a still-open stay counts
    until the session's end or now)."""
    events = ParticipantEvent.objects.filter(room__booking=booking).order_by(
        "occurred_at", "sequence"
    )
    totals: dict[str, int] = {}
    joined: dict[str, datetime] = {}
    for event in events:
        if event.kind == ParticipantEvent.Kind.CONNECTED:
            joined.setdefault(event.role, event.occurred_at)
        elif event.kind == ParticipantEvent.Kind.DISCONNECTED and event.role in joined:
            start = joined.pop(event.role)
            totals[event.role] = totals.get(event.role, 0) + int(
                (event.occurred_at - start).total_seconds()
            )
    for role, start in joined.items():
        until = min(booking.end, now)
        totals[role] = totals.get(role, 0) + max(0, int((until - start).total_seconds()))
    return totals
