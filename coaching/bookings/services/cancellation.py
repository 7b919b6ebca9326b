"""Cancelling a confirmed, future session by a participant (client, coach, staff) with the
refund the practice's rule says."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coaching.bookings.models import Booking, BookingState, Role
from coaching.bookings.permissions import booking_cancel_allowed, booking_refund_due
from coaching.bookings.prepaid import prepaid_cancelled
from coaching.bookings.services.errors import BookingError
from coaching.bookings.services.refunds import (
    REFUNDABLE,
    booking_refund_amount,
    booking_refund_issue,
)
from coaching.bookings.signals import booking_cancelled, send_on_commit
from coaching.bookings.states import transition
from coaching.payments.models import Refund

if TYPE_CHECKING:
    from sofadoc.accounts.models import User


def booking_cancel(*, booking: Booking, actor: User, role: str, reason: str = "") -> Refund | None:
    """Cancel a confirmed, future session.

    The client gets a full refund up to the practice's cancellation window before the start and
    none after it; a cancellation by the coach or staff is always refunded in full.
    """
    now = timezone.now()
    with transaction.atomic():
        booking = Booking.objects.select_for_update().get(pk=booking.pk)
        if not booking_cancel_allowed(booking, now=now):
            raise BookingError(_("Only upcoming confirmed sessions can be cancelled."))
        if role == Role.COACH and not reason.strip():
            raise BookingError(_("Please tell your client why you cancel."))
        refund_due = booking_refund_due(booking, role=role, now=now)
        transition(
            booking,
            BookingState.CANCELLED,
            actor=actor,
            role=role,
            reason=reason or "cancelled",
            fields={"cancelled_by": role, "cancel_reason": reason, "cancelled_at": now},
        )
        refund = None
        prepaid = prepaid_cancelled(booking=booking, refund_due=refund_due, role=role)
        payment = booking.payments.filter(status__in=REFUNDABLE).first()
        amount = booking_refund_amount(booking, role=role, now=now)
        if payment is not None and not prepaid and amount > 0:
            refund = booking_refund_issue(
                booking=booking, payment=payment, amount=amount, reason=f"cancelled by {role}"
            )
        send_on_commit(booking_cancelled, booking=booking, refund=refund, cancelled_by=role)
    return refund
