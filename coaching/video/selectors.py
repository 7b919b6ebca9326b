from __future__ import annotations

from datetime import datetime

from django.db.models import Min

from coaching.bookings.models import Booking, BookingEvent, Role
from coaching.video.attendance_rules import Presence
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


def presence(booking: Booking) -> Presence:
    """When each side first came into the room during the session (from the participant events
    Twilio, or the demo twin, reported)."""
    firsts = dict(
        ParticipantEvent.objects.filter(
            room__booking=booking,
            kind=ParticipantEvent.Kind.CONNECTED,
            occurred_at__gte=booking.join_opens_at,
            occurred_at__lt=booking.end,
        )
        .values_list("role")
        .annotate(first=Min("occurred_at"))
    )
    return Presence(
        client_joined_at=firsts.get(Role.CLIENT), coach_joined_at=firsts.get(Role.COACH)
    )


def decided_at(booking: Booking):
    """When the booking last moved into its present attendance state (the correction window
    runs from there), or None."""
    return (
        BookingEvent.objects.filter(booking=booking, to_state=booking.state)
        .exclude(from_state=booking.state)
        .order_by("-created_at", "-pk")
        .values_list("created_at", flat=True)
        .first()
    )
