"""Bookings are sold as purchase lines of kind "booking": what happens to a booking when its money
moves. Payments calls these hooks inside its own transaction (coaching/payments/kinds.py), so the
booking's change commits or rolls back with the money; each re-reads the booking under its row
lock through the bookings services."""

from __future__ import annotations

from typing import TYPE_CHECKING

from coaching.bookings.models import Booking, BookingEvent, Role
from coaching.bookings.services import booking_confirm_paid, booking_payment_failed
from coaching.bookings.signals import booking_refunded, payment_problem, send_on_commit
from coaching.payments.kinds import PurchaseKind, register_kind

if TYPE_CHECKING:
    from sofadoc.accounts.models import User


def on_paid(*, line, payment, actor: User | None = None, **kwargs) -> None:
    booking_confirm_paid(booking_id=line.object_id, payment=payment, actor=actor)


def on_payment_failed(*, line, reason: str = "payment failed", **kwargs) -> None:
    booking_payment_failed(booking_id=line.object_id, reason=reason)


def on_refunded(*, line, refund, external: bool = False, **kwargs) -> None:
    booking = Booking.objects.get(pk=line.object_id)
    send_on_commit(booking_refunded, booking=booking, refund=refund)
    if external:  # made at PayPal, not through us: staff look at it
        send_on_commit(payment_problem, booking=booking, problem="refunded at PayPal")


def on_reversed(*, line, **kwargs) -> None:
    booking = Booking.objects.get(pk=line.object_id)
    send_on_commit(payment_problem, booking=booking, problem="payment reversed")


def on_disputed(*, line, disputed: bool, **kwargs) -> None:
    """Flag the booking in its audit trail (the coach and staff are told by payments): a dispute
    opened or settled at PayPal is seen in the booking's history and in the admin."""
    booking = Booking.objects.select_for_update().get(pk=line.object_id)
    BookingEvent.objects.create(
        booking=booking,
        actor_role=Role.SYSTEM,
        from_state=booking.state,
        to_state=booking.state,
        reason="payment disputed at PayPal" if disputed else "PayPal dispute settled",
    )


def register() -> None:
    register_kind(
        PurchaseKind(
            name="booking",
            on_paid=on_paid,
            on_payment_failed=on_payment_failed,
            on_refunded=on_refunded,
            on_reversed=on_reversed,
            on_disputed=on_disputed,
        )
    )
