"""Demo bookings: the demo client has upcoming and past sessions with the demo coach, paid through
the PayPal twin the way a real client pays (purchase, order, approval, capture, ledger rows)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from coaching.bookings.models import Booking, BookingState
from coaching.bookings.services import booking_capture, booking_hold, booking_start_payment
from coaching.bookings.states import transition
from coaching.payments.demo import ensure_merchant_account
from coaching.payments.providers import twin_provider
from coaching.practices.selectors import session_type_free_slots


def seed(*, client, practice) -> list[Booking]:
    """Two upcoming sessions (the next free slots) and one completed last week; idempotent.
    Always paid through the twin, whatever PAYPAL_MODE says: no demo payment reaches PayPal."""
    if Booking.objects.filter(client=client, practice=practice).exists():
        return list(Booking.objects.filter(client=client, practice=practice))
    ensure_merchant_account(practice=practice)
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
    # Last week's session: paid "now" instead.
    if booking.hold_expires_at <= timezone.now():  # type: ignore[operator]
        booking.hold_expires_at = timezone.now() + timedelta(minutes=5)
        booking.save(update_fields=["hold_expires_at"])
    booking_start_payment(
        booking=booking,
        return_url="https://demo.invalid/return",
        cancel_url="https://demo.invalid/cancel",
        locale="de-DE",
        provider="twin",
    )
    payment = booking.payments.get()
    twin_provider().approve(payment.order_id)  # the twin's approval page
    return booking_capture(booking=booking, order_id=payment.order_id, actor=client)
