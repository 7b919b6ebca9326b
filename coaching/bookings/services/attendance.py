"""How a session ended: completed or no-show (the session room's scan, or the coach correcting
it), and the attendance decisions that move money: a no-show under the practice's rule and a
coach who never came. Which one applies is decided by coaching/video/attendance_rules.py; here
the booking changes state under its row lock, the decision is written to the booking's history,
and refunds go through booking_refund_issue."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coaching.bookings.models import Booking, BookingState, Role
from coaching.bookings.services.errors import BookingError
from coaching.bookings.services.refunds import REFUNDABLE, booking_refund_issue
from coaching.bookings.states import InvalidTransition, transition
from coaching.payments.models import PaymentStatus, Refund

if TYPE_CHECKING:
    from sofadoc.accounts.models import User


def booking_complete(
    *, booking: Booking, actor: User | None = None, role: str = Role.SYSTEM, reason: str
) -> Booking:
    """The session took place: a confirmed booking after its end, or a no-show corrected by
    the coach, becomes completed. Locks and re-reads the row; one already completed is left as
    it is. Raises BookingError for any other state (e.g. cancelled meanwhile)."""
    return _attendance_settle(
        booking, BookingState.COMPLETED, actor=actor, role=role, reason=reason
    )


def booking_mark_no_show(
    *, booking: Booking, actor: User | None = None, role: str = Role.SYSTEM, reason: str
) -> Booking:
    """The client did not come: a confirmed booking after its end, or a completed one corrected
    by the coach, becomes no_show. Same locking and guarantees as booking_complete."""
    return _attendance_settle(booking, BookingState.NO_SHOW, actor=actor, role=role, reason=reason)


def _attendance_settle(
    booking: Booking, target: str, *, actor: User | None, role: str, reason: str
) -> Booking:
    with transaction.atomic():
        booking = Booking.objects.select_for_update().get(pk=booking.pk)
        if booking.state == target:
            return booking
        if booking.state == BookingState.CONFIRMED and booking.end > timezone.now():
            raise BookingError(_("The session has not ended yet."))
        try:
            transition(booking, target, actor=actor, role=role, reason=reason)
        except InvalidTransition as error:
            raise BookingError(error.message) from error
    return booking


def booking_no_show(
    *,
    booking: Booking,
    actor: User | None = None,
    role: str,
    reason: str,
    refund_amount: Decimal,
) -> tuple[Booking, Refund | None]:
    """The client did not come: a confirmed booking (also before its end, once the rules allow
    the coach to mark it) or a completed one being corrected becomes no_show, and
    `refund_amount` (the practice's no-show rule) goes back unless something was already
    refunded. Locks and re-reads the row; one already no_show is left as it is."""
    with transaction.atomic():
        booking = Booking.objects.select_for_update().get(pk=booking.pk)
        if booking.state == BookingState.NO_SHOW:
            return booking, None
        try:
            transition(booking, BookingState.NO_SHOW, actor=actor, role=role, reason=reason)
        except InvalidTransition as error:
            raise BookingError(error.message) from error
        refund = None
        payment = booking.payments.select_for_update().filter(status=PaymentStatus.CAPTURED).first()
        if refund_amount > 0 and payment is not None:
            refund = booking_refund_issue(
                booking=booking,
                payment=payment,
                amount=refund_amount,
                reason="no-show rule of the practice",
            )
    return booking, refund


def booking_coach_absent(*, booking: Booking, reason: str, shown_reason: str) -> Refund | None:
    """The coach never came into the room: the booking is cancelled on the coach's account and
    everything the client paid that is not yet refunded goes back (also after the session's end,
    unlike booking_cancel). `reason` goes into the history, `shown_reason` (in words for people)
    is the cancellation's reason. No cancellation announcement: the session is over, and the
    caller (video) tells both sides why in its own message."""
    now = timezone.now()
    with transaction.atomic():
        booking = Booking.objects.select_for_update().get(pk=booking.pk)
        if booking.state != BookingState.CONFIRMED:
            raise BookingError(_("This booking can no longer be changed that way."))
        transition(
            booking,
            BookingState.CANCELLED,
            role=Role.SYSTEM,
            reason=reason,
            fields={
                "cancelled_by": Role.COACH,
                "cancel_reason": shown_reason,
                "cancelled_at": now,
            },
        )
        refund = None
        payment = booking.payments.select_for_update().filter(status__in=REFUNDABLE).first()
        if payment is not None:
            left = payment.amount - payment.refunded_amount()
            if left > 0:
                refund = booking_refund_issue(
                    booking=booking, payment=payment, amount=left, reason="coach did not attend"
                )
    return refund
