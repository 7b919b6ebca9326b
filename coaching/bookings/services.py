"""Changes to bookings. Every state change goes through states.transition; the money goes through
the payments services (a booking is sold as a purchase line of kind "booking", payment_kind.py)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coaching.bookings.models import Booking, BookingState, Role
from coaching.bookings.permissions import (
    booking_cancel_allowed,
    booking_move_allowed,
    booking_refund_due,
)
from coaching.bookings.prepaid import prepaid_cancelled
from coaching.bookings.signals import (
    booking_cancelled,
    booking_confirmed,
    booking_moved,
    payment_problem,
    send_on_commit,
)
from coaching.bookings.states import InvalidTransition, record, transition
from coaching.payments.models import (
    Payment,
    PaymentStatus,
    Purchase,
    PurchaseLine,
    Refund,
    RefundStatus,
)
from coaching.payments.services import (
    LineSpec,
    PaymentRefused,
    payment_cancel,
    payment_capture,
    payment_start,
    purchase_create,
    purchase_line_reschedule,
    refund_issue,
)
from coaching.practices.availability import Interval
from coaching.practices.gates import practice_takes_payments
from coaching.practices.models import Practice
from coaching.practices.selectors import session_type_slot_is_free
from sofadoc.errors import ShownError

logger = logging.getLogger(__name__)

REFUNDABLE = (PaymentStatus.CAPTURED, PaymentStatus.PARTIALLY_REFUNDED)

if TYPE_CHECKING:
    from sofadoc.accounts.models import User


class BookingError(ShownError):
    """A request we refuse; `message` says why, in words for the person who asked."""


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
    prepaid: bool = False,
) -> Booking:
    """Hold a slot for `client` while they pay (BOOKING_HOLD_MINUTES); `prepaid` when it is paid
    already (a package credit: the coach's PayPal need not be connected now).

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
        if (
            not prepaid
            and session_type.price > 0
            and not practice_takes_payments(practice_id=practice.pk)
        ):
            # The coach's PayPal is not (or no longer) connected: no order could name a payee.
            raise BookingError(
                _("This coach cannot take payments at the moment. Please try again later.")
            )
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
        record(booking, actor=client, role=Role.CLIENT, reason="held")
    return booking


def booking_line(booking: Booking) -> LineSpec:
    """A booking's purchase line (a preview's too: object_id 0 before it is held)."""
    return LineSpec(
        kind="booking",
        object_id=booking.pk or 0,
        description=booking.session_name,
        amount=booking.price,
        currency=booking.currency,
        service_date=booking.start,
        offer_keys=(f"session_type:{booking.session_type_id}",),
    )


def booking_purchase_ensure(*, booking: Booking, discount_code: str = "") -> Purchase:
    """The booking's purchase, made on the first call: one line of kind "booking", invoice id =
    the booking's reference, lowered by `discount_code` if given (payments/discounts.py). The
    caller holds the booking's row lock. Raises PaymentRefused when the fee cannot be taken
    from the price or the code does not apply."""
    if booking.purchase is None:
        booking.purchase = purchase_create(
            practice=booking.practice,
            buyer=booking.client,
            reference=booking.reference,
            lines=[booking_line(booking)],
            discount_code=discount_code,
        )
        booking.save(update_fields=["purchase", "updated_at"])
    return booking.purchase


def booking_start_payment(
    *,
    booking: Booking,
    return_url: str,
    cancel_url: str,
    locale: str,
    provider: str | None = None,
    discount_code: str = "",
) -> str:
    """Create (or, on a repeated click, find again) the PayPal order for the booking's purchase;
    returns where to send the client to approve it. The first call creates the purchase: one
    line of kind "booking", invoice id = the booking's reference, with `discount_code`."""
    with transaction.atomic():
        booking = Booking.objects.select_for_update().get(pk=booking.pk)
        if booking.state != BookingState.HELD or booking.hold_expires_at <= timezone.now():  # type: ignore[operator]
            raise BookingError(_("This reservation has expired. Please pick the slot again."))
        try:
            payment = payment_start(
                purchase=booking_purchase_ensure(booking=booking, discount_code=discount_code),
                return_url=return_url,
                cancel_url=cancel_url,
                locale=locale,
                provider=provider,
            )
        except PaymentRefused as error:
            raise BookingError(error.message) from error
    return payment.approve_url


def booking_capture(*, booking: Booking, order_id: str, actor: User | None = None) -> Booking:
    """Take the money for an approved order; the booking is confirmed by the "booking" kind's
    on_paid hook (payment_kind.py) in the same transaction. Safe to call again.

    Only an order of this booking's purchase is captured. A capture that arrives after the hold
    ran out still confirms if the slot is free, and is refunded in full if it is not: then the
    booking comes back unconfirmed, and nothing is raised, so the caller's transaction keeps the
    record of the money that moved.
    """
    with transaction.atomic():
        if not booking.payments.filter(order_id=order_id).exists():
            raise BookingError(_("This payment does not belong to this booking."))
        try:
            payment_capture(order_id=order_id, actor=actor)
        except PaymentRefused as error:
            raise BookingError(error.message) from error
    booking.refresh_from_db()
    return booking


def booking_confirm_paid(*, booking_id: int, payment: Payment, actor: User | None = None) -> bool:
    """Money is in (called by payments through the kind hook, inside its transaction): confirm
    the booking under its row lock, or give the money back in full if the slot cannot be had
    any more or the booking is no longer waiting for it. True if confirmed."""
    booking = Booking.objects.select_for_update().select_related("practice").get(pk=booking_id)
    role = Role.SYSTEM if actor is None else Role.CLIENT
    if booking.state == BookingState.CONFIRMED:
        return True
    if booking.state == BookingState.EXPIRED:
        own = Interval(booking.blocked_start, booking.blocked_end)
        still_free = session_type_slot_is_free(
            session_type=booking.session_type, start=booking.start, ignore=[own]
        )
        if not still_free:
            _refund(
                booking, payment, booking_line_amount(booking), reason="slot taken after the hold"
            )
            return False
    if booking.state not in (BookingState.HELD, BookingState.EXPIRED):
        _refund(
            booking,
            payment,
            booking_line_amount(booking),
            reason=f"paid for a booking in state {booking.state}",
        )
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
        _refund(booking, payment, booking_line_amount(booking), reason="slot taken after the hold")
        return False
    # The receipt is billing's: issued when payments announces the capture (coaching/billing).
    send_on_commit(booking_confirmed, booking=booking)
    return True


def booking_confirm_prepaid(*, booking: Booking, actor, reason: str) -> Booking:
    """A held booking that is paid already (a package credit, in the caller's transaction) is
    confirmed at once, without PayPal."""
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    transition(
        booking,
        BookingState.CONFIRMED,
        actor=actor,
        role=Role.CLIENT,
        reason=reason,
        fields={"confirmed_at": timezone.now(), "hold_expires_at": None},
    )
    send_on_commit(booking_confirmed, booking=booking)
    return booking


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


def booking_payment_failed(*, booking_id: int, reason: str) -> None:
    """PayPal denied the payment (kind hook): a held booking frees its slot."""
    booking = Booking.objects.select_for_update().get(pk=booking_id)
    if booking.state == BookingState.HELD:
        transition(booking, BookingState.ABANDONED, reason=reason)


def booking_abandon(*, booking: Booking, order_id: str, actor: User) -> Booking:
    """The client cancelled at PayPal: free the slot now instead of when the hold runs out."""
    with transaction.atomic():
        booking = Booking.objects.select_for_update().get(pk=booking.pk)
        if booking.purchase_id is not None:
            payment_cancel(purchase_id=booking.purchase_id, order_id=order_id)
        if booking.state == BookingState.HELD:
            transition(
                booking,
                BookingState.ABANDONED,
                actor=actor,
                role=Role.CLIENT,
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
        .exclude(purchase__payments__status=PaymentStatus.PENDING)
        .select_for_update(skip_locked=True)
    )
    count = 0
    for booking in stale:
        transition(booking, BookingState.EXPIRED, reason="hold expired")
        count += 1
    return count


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
            refund = _refund(booking, payment, amount, reason=f"cancelled by {role}")
        send_on_commit(booking_cancelled, booking=booking, refund=refund, cancelled_by=role)
    return refund


def booking_refund(
    *, booking: Booking, actor: User, amount: Decimal | None = None, reason: str
) -> Refund:
    """Staff: give money back (all that is left, or `amount`) without changing the booking."""
    with transaction.atomic():
        payment = (
            booking.payments.select_for_update()
            .filter(status__in=[PaymentStatus.CAPTURED, PaymentStatus.PARTIALLY_REFUNDED])
            .first()
        )
        if payment is None:
            raise BookingError(_("There is no payment left to refund."))
        left = payment.amount - payment.refunded_amount()
        amount = left if amount is None else amount
        if amount <= 0 or amount > left:
            raise BookingError(_("The refund must be more than zero and at most what was paid."))
        record(booking, actor=actor, role=Role.STAFF, reason=f"refund {amount}: {reason}")
        return _refund(booking, payment, amount, reason=reason)


def _refund(booking: Booking, payment: Payment, amount: Decimal, *, reason: str) -> Refund:
    """Refund through payments now (booking_refunded is sent by the kind hook). A failure is kept
    as a failed refund for staff, not raised, so the cancellation itself stands; payment_problem
    tells staff."""
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


def booking_move(
    *, booking: Booking, actor: User, new_start: datetime, role: str = Role.CLIENT
) -> Booking:
    """Move a confirmed session to another free slot, free of charge, while it may still be
    cancelled free of charge. Calendar files get a new revision. `role`: who moved it (the
    client from their booking, the coach from the client's page)."""
    now = timezone.now()
    with transaction.atomic():
        Practice.objects.select_for_update().get(pk=booking.practice_id)
        booking = (
            Booking.objects.select_for_update()
            .select_related("session_type", "practice")
            .get(pk=booking.pk)
        )
        if not booking_move_allowed(booking, now=now):
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
        record(booking, actor=actor, role=role, reason=f"moved from {previous.isoformat()}")
        if booking.purchase_id is not None:
            line = booking.purchase.lines.filter(kind="booking", object_id=booking.pk).first()  # type: ignore[union-attr]
            if line is not None:  # the receipt's date of service changes with it
                purchase_line_reschedule(line=line, service_date=booking.start)
        send_on_commit(booking_moved, booking=booking, previous_start=previous)
    return booking
