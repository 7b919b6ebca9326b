"""Paying for a held booking: its purchase (one line of kind "booking"), the PayPal order,
the capture, and what payments tells bookings back through the kind hooks (payment_kind.py):
paid → confirmed (or refunded in full when the slot is gone), denied or cancelled → the slot
is free again. A booking paid with a package credit is confirmed at once."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coaching.bookings.models import Booking, BookingState, Role
from coaching.bookings.services.errors import BookingError
from coaching.bookings.services.refunds import booking_line_amount, booking_refund_issue
from coaching.bookings.signals import booking_confirmed, send_on_commit
from coaching.bookings.states import transition
from coaching.payments.models import Payment, Purchase
from coaching.payments.services import (
    LineSpec,
    PaymentRefused,
    payment_cancel,
    payment_capture,
    payment_start,
    purchase_create,
)
from coaching.practices.availability import Interval
from coaching.practices.selectors import session_type_slot_is_free

if TYPE_CHECKING:
    from sofadoc.accounts.models import User


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
            _refund_in_full(booking, payment, reason="slot taken after the hold")
            return False
    if booking.state not in (BookingState.HELD, BookingState.EXPIRED):
        _refund_in_full(booking, payment, reason=f"paid for a booking in state {booking.state}")
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
        _refund_in_full(booking, payment, reason="slot taken after the hold")
        return False
    # The receipt is billing's: issued when payments announces the capture (coaching/billing).
    send_on_commit(booking_confirmed, booking=booking)
    return True


def _refund_in_full(booking: Booking, payment: Payment, *, reason: str) -> None:
    """Money that came in for a booking that cannot be confirmed goes back whole."""
    booking_refund_issue(
        booking=booking, payment=payment, amount=booking_line_amount(booking), reason=reason
    )


def booking_confirm_prepaid(*, booking: Booking, actor: User, reason: str) -> Booking:
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
