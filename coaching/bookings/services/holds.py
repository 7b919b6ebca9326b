"""Holding a slot while the client pays, and letting holds that ran out go. The practice row
is locked for a hold, so holds for one coach happen one after another; PostgreSQL's exclusion
constraint backs the slot check up."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coaching.bookings.models import Booking, BookingState, Role
from coaching.bookings.services.errors import BookingError, PriceChanged, SlotTaken
from coaching.bookings.states import record, transition
from coaching.payments.models import PaymentStatus
from coaching.practices.gates import practice_takes_payments
from coaching.practices.models import Practice
from coaching.practices.selectors import session_type_slot_is_free

if TYPE_CHECKING:
    from sofadoc.accounts.models import User


def booking_hold(
    *,
    client: User,
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
