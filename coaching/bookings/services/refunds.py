"""Money back for a booking: what its line paid, what a cancellation gives back under the
practice's rule, a staff refund, and the one way every refund of a booking is issued
(booking_refund_issue, through the payments refund path)."""

from __future__ import annotations

import logging
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coaching.bookings.models import Booking, Role
from coaching.bookings.permissions import booking_refund_due
from coaching.bookings.services.errors import BookingError
from coaching.bookings.signals import payment_problem, send_on_commit
from coaching.bookings.states import record
from coaching.payments.models import Payment, PaymentStatus, PurchaseLine, Refund, RefundStatus
from coaching.payments.services import PaymentRefused, refund_issue

if TYPE_CHECKING:
    from sofadoc.accounts.models import User

logger = logging.getLogger(__name__)

# The payments that can still give money back.
REFUNDABLE = (PaymentStatus.CAPTURED, PaymentStatus.PARTIALLY_REFUNDED)


def booking_line_amount(booking: Booking) -> Decimal:
    """What the client paid for this booking: its own line of the purchase (a series pays many
    bookings in one purchase), 0 when it was not bought on its own (a package credit)."""
    if booking.purchase_id is None:
        return Decimal("0.00")
    line = PurchaseLine.objects.filter(
        purchase_id=booking.purchase_id, kind="booking", object_id=booking.pk
    ).first()
    return line.amount * line.quantity if line is not None else Decimal("0.00")


def booking_refund_amount(
    booking: Booking, *, role: str, now: datetime | None = None, paid: Decimal | None = None
) -> Decimal:
    """What cancelling a confirmed booking gives back: its whole line when the rule says a
    refund is due (permissions.booking_refund_due), nothing otherwise. `paid`: the booking's
    line amount when the caller has read it already (a list of them)."""
    if booking_refund_due(booking, role=role, now=now or timezone.now()):
        return booking_line_amount(booking) if paid is None else paid
    return Decimal("0.00")


def booking_refund(
    *, booking: Booking, actor: User, amount: Decimal | None = None, reason: str
) -> Refund:
    """Staff: give money back (all that is left, or `amount`) without changing the booking."""
    with transaction.atomic():
        payment = booking.payments.select_for_update().filter(status__in=REFUNDABLE).first()
        if payment is None:
            raise BookingError(_("There is no payment left to refund."))
        left = payment.amount - payment.refunded_amount()
        amount = left if amount is None else amount
        if amount <= 0 or amount > left:
            raise BookingError(_("The refund must be more than zero and at most what was paid."))
        record(booking, actor=actor, role=Role.STAFF, reason=f"refund {amount}: {reason}")
        return booking_refund_issue(booking=booking, payment=payment, amount=amount, reason=reason)


def booking_refund_issue(
    *, booking: Booking, payment: Payment, amount: Decimal, reason: str
) -> Refund:
    """Give `amount` of `payment` back for this booking through payments, now: the one way a
    booking's money goes back (cancellation, attendance, staff, a capture that came too late).
    The caller holds the booking's row lock in its transaction. booking_refunded is sent by the
    kind hook. A failure is kept as a failed refund for staff, not raised, so the change that
    caused it (a cancellation) stands; payment_problem tells staff."""
    line = PurchaseLine.objects.filter(
        purchase_id=payment.purchase_id, kind="booking", object_id=booking.pk
    ).first()
    try:
        refund = refund_issue(payment=payment, amount=amount, reason=reason, line=line)
    except PaymentRefused as error:
        raise BookingError(error.message) from error
    if refund.status == RefundStatus.FAILED:
        logger.error("refund failed for %s", booking.reference)
        send_on_commit(payment_problem, booking=booking, problem="refund failed")
    return refund
