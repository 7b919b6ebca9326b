"""Changes to bookings and their money. Every state change goes through states.transition."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coaching.bookings import paypal
from coaching.bookings.models import (
    Actor,
    Booking,
    BookingState,
    Payment,
    PaymentStatus,
    Refund,
    RefundStatus,
)
from coaching.bookings.signals import (
    booking_cancelled,
    booking_confirmed,
    booking_moved,
    booking_refunded,
    payment_problem,
    send_on_commit,
)
from coaching.bookings.states import record, transition
from coaching.practices.availability import Interval
from coaching.practices.models import Practice
from coaching.practices.selectors import session_type_slot_is_free

logger = logging.getLogger(__name__)


class BookingError(Exception):
    """A request we refuse; `message` says why, in words for the person who asked."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class SlotTaken(BookingError):
    def __init__(self):
        super().__init__(_("This time was just taken. Please pick another slot."))


class PriceChanged(BookingError):
    def __init__(self):
        super().__init__(
            _("The price of this session has changed. Please check it and confirm again.")
        )


def booking_hold(
    *,
    client,
    practice: Practice,
    session_type_id: int,
    start: datetime,
    expected_price: Decimal | None = None,
    now: datetime | None = None,
) -> Booking:
    """Hold a slot for `client` while they pay (BOOKING_HOLD_MINUTES).

    Locks the practice row, so holds for one coach happen one after another, then re-checks the
    slot with every rule; PostgreSQL's exclusion constraint backs this up. Raises SlotTaken or
    BookingError with a message to show.
    """
    now = now or timezone.now()
    with transaction.atomic():
        practice = Practice.objects.select_for_update().get(pk=practice.pk)
        session_type = practice.session_types.filter(pk=session_type_id, is_active=True).first()
        if session_type is None or not practice.is_published:
            raise BookingError(_("This session cannot be booked."))
        if practice.owner_id == client.pk:
            raise BookingError(_("You cannot book a session with yourself."))
        if expected_price is not None and expected_price != session_type.price:
            raise PriceChanged
        _expire_holds(Booking.objects.filter(practice=practice), now=now)
        session_type.practice = practice
        if not session_type_slot_is_free(session_type=session_type, start=start, now=now):
            raise SlotTaken
        rules = practice.slot_rules(session_type)
        blocked = rules.blocked(start)
        try:
            with transaction.atomic():
                booking = Booking.objects.create(
                    practice=practice,
                    session_type=session_type,
                    client=client,
                    start=start,
                    end=start + rules.duration,
                    blocked_start=blocked.start,
                    blocked_end=blocked.end,
                    hold_expires_at=now + timedelta(minutes=settings.BOOKING_HOLD_MINUTES),
                    session_name=session_type.name,
                    price=session_type.price,
                    currency=session_type.currency,
                    cancellation_window_hours=practice.cancellation_window_hours,
                )
        except IntegrityError as error:  # the exclusion constraint: someone was faster
            raise SlotTaken from error
        record(booking, actor=client, role=Actor.CLIENT, reason="held")
    return booking


def booking_start_payment(
    *, booking: Booking, return_url: str, cancel_url: str, locale: str
) -> str:
    """Create (or, on a repeated click, find again) the PayPal order; returns where to send the
    client to approve it."""
    with transaction.atomic():
        booking = Booking.objects.select_for_update().get(pk=booking.pk)
        if booking.state != BookingState.HELD or booking.hold_expires_at <= timezone.now():
            raise BookingError(_("This reservation has expired. Please pick the slot again."))
        attempt = booking.payments.exclude(status=PaymentStatus.CREATED).count() + 1
        order = paypal.gateway().create_order(
            booking=booking,
            request_id=f"sofadoc-order-{booking.reference}-{attempt}",
            return_url=return_url,
            cancel_url=cancel_url,
            locale=locale,
        )
        Payment.objects.get_or_create(
            order_id=order.order_id,
            defaults={
                "booking": booking,
                "provider": paypal.gateway().provider,
                "amount": booking.price,
                "currency": booking.currency,
            },
        )
    return order.approve_url


def booking_capture(*, booking: Booking, order_id: str, actor=None, role=Actor.CLIENT) -> Booking:
    """Take the money for an approved order and confirm the booking. Safe to call again.

    Locks payment and booking; an order we captured before is recognised, not captured again.
    A capture that arrives after the hold ran out still confirms if the slot is free, and is
    refunded in full if it is not: then the booking comes back unconfirmed, and nothing is
    raised, so the caller's transaction keeps the record of the money that moved.
    """
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(order_id=order_id, booking=booking)
        booking = Booking.objects.select_for_update().select_related("practice").get(pk=booking.pk)
        if payment.status == PaymentStatus.CAPTURED:
            return booking
        if payment.status not in (PaymentStatus.CREATED, PaymentStatus.PENDING):
            raise BookingError(_("This payment is no longer open."))
        capture = paypal.gateway().capture_order(
            order_id=order_id, request_id=f"sofadoc-capture-{order_id}"
        )
        if capture.status == "PENDING":
            payment.status = PaymentStatus.PENDING
            payment.capture_id = capture.capture_id or None
            payment.save(update_fields=["status", "capture_id", "updated_at"])
            return booking
        if capture.status != "COMPLETED":
            payment.status = PaymentStatus.FAILED
            payment.save(update_fields=["status", "updated_at"])
            raise BookingError(_("PayPal declined the payment. Please try again."))
        _record_capture(payment, capture)
        if capture.amount != payment.amount or capture.currency != payment.currency:
            # Never keep money that does not match what was agreed: give it back.
            logger.error("capture amount mismatch for %s", booking.reference)
            _refund(payment, capture.amount, reason="amount did not match the booking")
            return booking
        _confirm_paid_booking(booking, payment, actor=actor, role=role)
    return booking


def _record_capture(payment: Payment, capture: paypal.Capture) -> None:
    payment.status = PaymentStatus.CAPTURED
    payment.capture_id = capture.capture_id
    payment.captured_at = timezone.now()
    payment.paypal_fee = capture.paypal_fee
    payment.platform_fee = capture.platform_fee
    payment.net_amount = capture.net_amount
    payment.save()


def _confirm_paid_booking(booking: Booking, payment: Payment, *, actor, role) -> bool:
    """Money is in: confirm, or give it all back if the slot cannot be had any more."""
    if booking.state == BookingState.EXPIRED:
        own = Interval(booking.blocked_start, booking.blocked_end)
        still_free = session_type_slot_is_free(
            session_type=booking.session_type, start=booking.start, ignore=[own]
        )
        if not still_free:
            _refund(payment, payment.amount, reason="slot taken after the hold expired")
            return False
    if booking.state not in (BookingState.HELD, BookingState.EXPIRED):
        _refund(payment, payment.amount, reason=f"paid for a booking in state {booking.state}")
        return False
    try:
        with transaction.atomic():
            transition(
                booking,
                BookingState.CONFIRMED,
                actor=actor,
                role=role,
                reason="paid",
                fields={"confirmed_at": timezone.now(), "hold_expires_at": None},
            )
    except IntegrityError:  # an expired hold's slot was taken after all
        booking.refresh_from_db()
        _refund(payment, payment.amount, reason="slot taken after the hold expired")
        return False
    # The receipt is billing's: issued when payments announces the capture (coaching/billing).
    send_on_commit(booking_confirmed, booking=booking)
    return True


def booking_abandon(*, booking: Booking, order_id: str, actor) -> Booking:
    """The client cancelled at PayPal: free the slot now instead of when the hold runs out."""
    with transaction.atomic():
        booking = Booking.objects.select_for_update().get(pk=booking.pk)
        Payment.objects.filter(
            booking=booking, order_id=order_id, status=PaymentStatus.CREATED
        ).update(status=PaymentStatus.CANCELLED, updated_at=timezone.now())
        if booking.state == BookingState.HELD:
            transition(
                booking,
                BookingState.ABANDONED,
                actor=actor,
                role=Actor.CLIENT,
                reason="cancelled at PayPal",
            )
    return booking


def booking_expire_holds(*, now: datetime | None = None) -> int:
    """Mark holds that ran out as expired (beat runs this every minute). Returns how many."""
    with transaction.atomic():
        return _expire_holds(Booking.objects.all(), now=now or timezone.now())


def _expire_holds(bookings, *, now: datetime) -> int:
    stale = (
        bookings.filter(state=BookingState.HELD, hold_expires_at__lte=now)
        .exclude(payments__status=PaymentStatus.PENDING)
        .select_for_update(skip_locked=True)
    )
    count = 0
    for booking in stale:
        transition(booking, BookingState.EXPIRED, reason="hold expired")
        count += 1
    return count


def booking_cancel(*, booking: Booking, actor, role: str, reason: str = "") -> Refund | None:
    """Cancel a confirmed, future session.

    The client gets a full refund up to the practice's cancellation window before the start and
    none after it; a cancellation by the coach or staff is always refunded in full.
    """
    now = timezone.now()
    with transaction.atomic():
        booking = Booking.objects.select_for_update().get(pk=booking.pk)
        if booking.state != BookingState.CONFIRMED or booking.start <= now:
            raise BookingError(_("Only upcoming confirmed sessions can be cancelled."))
        if role == Actor.COACH and not reason.strip():
            raise BookingError(_("Please tell your client why you cancel."))
        refund_due = role != Actor.CLIENT or booking.is_free_to_cancel(now)
        transition(
            booking,
            BookingState.CANCELLED,
            actor=actor,
            role=role,
            reason=reason or "cancelled",
            fields={"cancelled_by": role, "cancel_reason": reason, "cancelled_at": now},
        )
        payment = booking.payments.filter(status=PaymentStatus.CAPTURED).first()
        refund = None
        if refund_due and payment is not None:
            refund = _refund(payment, payment.amount, reason=f"cancelled by {role}")
        send_on_commit(booking_cancelled, booking=booking, refund=refund, cancelled_by=role)
    return refund


def booking_refund(
    *, booking: Booking, actor, amount: Decimal | None = None, reason: str
) -> Refund:
    """Staff: give money back (all that is left, or `amount`) without changing the booking."""
    with transaction.atomic():
        payment = (
            Payment.objects.select_for_update()
            .filter(
                booking=booking,
                status__in=[PaymentStatus.CAPTURED, PaymentStatus.PARTIALLY_REFUNDED],
            )
            .first()
        )
        if payment is None:
            raise BookingError(_("There is no payment left to refund."))
        left = payment.amount - payment.refunded_amount()
        amount = left if amount is None else amount
        if amount <= 0 or amount > left:
            raise BookingError(_("The refund must be more than zero and at most what was paid."))
        record(booking, actor=actor, role=Actor.STAFF, reason=f"refund {amount}: {reason}")
        return _refund(payment, amount, reason=reason)


def _refund(payment: Payment, amount: Decimal, *, reason: str) -> Refund:
    """Refund at PayPal now. A failure is kept as a failed refund for staff, not raised, so the
    cancellation itself stands; payment_problem tells staff."""
    number = payment.refunds.count() + 1
    refund = Refund.objects.create(
        payment=payment, amount=amount, currency=payment.currency, reason=reason[:255]
    )
    try:
        result = paypal.gateway().refund_capture(
            capture_id=payment.capture_id,
            amount=amount,
            currency=payment.currency,
            request_id=f"sofadoc-refund-{payment.order_id}-{number}",
        )
    except paypal.PaymentError as error:
        refund.status = RefundStatus.FAILED
        refund.reason = f"{reason} — PayPal: {error.message}"[:255]
        refund.save(update_fields=["status", "reason"])
        logger.error("refund failed for %s", payment.booking.reference)
        send_on_commit(payment_problem, booking=payment.booking, problem="refund failed")
        return refund
    refund.refund_id = result.refund_id
    refund.status = RefundStatus.COMPLETED if result.status == "COMPLETED" else RefundStatus.PENDING
    refund.save(update_fields=["refund_id", "status"])
    fully = payment.refunded_amount() >= payment.amount
    payment.status = PaymentStatus.REFUNDED if fully else PaymentStatus.PARTIALLY_REFUNDED
    payment.save(update_fields=["status", "updated_at"])
    send_on_commit(booking_refunded, booking=payment.booking, refund=refund)
    return refund


def booking_move(*, booking: Booking, actor, new_start: datetime) -> Booking:
    """Move a confirmed session to another free slot, free of charge, while it may still be
    cancelled free of charge. Calendar files get a new revision."""
    now = timezone.now()
    with transaction.atomic():
        Practice.objects.select_for_update().get(pk=booking.practice_id)
        booking = (
            Booking.objects.select_for_update()
            .select_related("session_type", "practice")
            .get(pk=booking.pk)
        )
        if booking.state != BookingState.CONFIRMED or not booking.is_free_to_cancel(now):
            raise BookingError(
                _(
                    "This session can no longer be moved: that is possible only until "
                    "the free cancellation deadline."
                )
            )
        if new_start == booking.start:
            return booking
        own = Interval(booking.blocked_start, booking.blocked_end)
        booking.session_type.practice = booking.practice
        if not session_type_slot_is_free(
            session_type=booking.session_type, start=new_start, now=now, ignore=[own]
        ):
            raise SlotTaken
        previous = booking.start
        rules = booking.practice.slot_rules(booking.session_type)
        blocked = rules.blocked(new_start)
        booking.start, booking.end = new_start, new_start + (booking.end - booking.start)
        booking.blocked_start, booking.blocked_end = blocked.start, blocked.end
        booking.sequence += 1
        try:
            with transaction.atomic():
                booking.save(
                    update_fields=[
                        "start",
                        "end",
                        "blocked_start",
                        "blocked_end",
                        "sequence",
                        "updated_at",
                    ]
                )
        except IntegrityError as error:
            raise SlotTaken from error
        record(booking, actor=actor, role=Actor.CLIENT, reason=f"moved from {previous.isoformat()}")
        send_on_commit(booking_moved, booking=booking, previous_start=previous)
    return booking


def booking_reconcile_orders(*, now: datetime | None = None) -> int:
    """Capture orders the client approved at PayPal but whose return to us never arrived (closed
    tab, lost connection). Asks PayPal for each open order's state; returns how many it finished.
    """
    now = now or timezone.now()
    open_payments = Payment.objects.filter(
        status__in=[PaymentStatus.CREATED, PaymentStatus.PENDING],
        created_at__lte=now - timedelta(minutes=2),  # leave the client time to come back
        created_at__gte=now - timedelta(hours=3),  # PayPal lets unapproved orders lapse
        booking__state__in=[BookingState.HELD, BookingState.EXPIRED],
    ).select_related("booking")
    finished = 0
    for payment in open_payments:
        try:
            order = paypal.gateway().get_order(payment.order_id)
            if order.status in ("APPROVED", "COMPLETED"):
                with transaction.atomic(durable=True):
                    booking_capture(
                        booking=payment.booking, order_id=payment.order_id, role=Actor.SYSTEM
                    )
                finished += 1
        except (paypal.PaymentError, BookingError) as error:
            logger.warning("reconciling %s: %s", payment.order_id, error)
    return finished
