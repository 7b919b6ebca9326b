"""Demo bookings: the demo client has upcoming and past sessions with the demo coach."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from coaching.bookings.models import Booking, BookingState, Payment, PaymentStatus
from coaching.bookings.services import booking_hold
from coaching.bookings.states import transition
from coaching.practices.selectors import session_type_free_slots


def seed(*, client, practice) -> list[Booking]:
    """Two upcoming sessions (the next free slots) and one completed last week; idempotent."""
    if Booking.objects.filter(client=client, practice=practice).exists():
        return list(Booking.objects.filter(client=client, practice=practice))
    session_type = practice.session_types.filter(is_active=True).order_by("-duration_minutes")[1]
    now = timezone.now()
    upcoming = session_type_free_slots(
        session_type=session_type, start=now + timedelta(days=2), end=now + timedelta(days=9)
    )
    bookings = [_paid(client, practice, session_type, upcoming[0], now=now)]
    if len(upcoming) > 20:
        bookings.append(_paid(client, practice, session_type, upcoming[20], now=now))
    last_week = datetime.combine(
        timezone.localdate() - timedelta(days=7),
        datetime.min.time(),
        tzinfo=ZoneInfo(practice.time_zone),
    ).replace(hour=10)
    past = _paid(client, practice, session_type, last_week, now=last_week - timedelta(days=3))
    transition(past, BookingState.COMPLETED, reason="demo: attended")
    return [*bookings, past]


def _paid(client, practice, session_type, start, *, now) -> Booking:
    booking = booking_hold(
        client=client, practice=practice, session_type_id=session_type.pk, start=start, now=now
    )
    Payment.objects.create(
        booking=booking,
        provider="twin",
        order_id=f"DEMO-{booking.reference}",
        capture_id=f"DEMOCAP-{booking.reference}",
        status=PaymentStatus.CAPTURED,
        amount=booking.price,
        currency=booking.currency,
        captured_at=now,
    )
    transition(
        booking,
        BookingState.CONFIRMED,
        reason="demo: paid",
        fields={"confirmed_at": now, "hold_expires_at": None},
    )
    return booking
