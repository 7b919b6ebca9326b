"""Changes to series: hold the chosen occurrences and their one purchase, release them when the
payment is abandoned, cancel the rest of a series.

Every occurrence is an ordinary booking (bookings services, the no-overlap constraint); the
series holds them in one transaction, all or nothing, so a client is never charged for an
occurrence that could not be held: the purchase has a line for each held booking only.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coaching.bookings.models import Booking, BookingState, Role
from coaching.bookings.services import BookingError, booking_cancel, booking_hold, booking_line
from coaching.bookings.states import transition
from coaching.packages.models import MAX_OCCURRENCES, BookingSeries
from coaching.payments.models import Refund
from coaching.payments.services import PaymentRefused, payment_cancel, purchase_create
from coaching.practices.models import Practice
from sofadoc.accounts.models import User


class SeriesError(BookingError):
    """A series request we refuse; nothing changed."""


def series_hold(
    *,
    client: User,
    practice: Practice,
    session_type_id: int,
    starts: list[datetime],
    interval_weeks: int,
    now: datetime | None = None,
    coupon_code: str = "",
) -> BookingSeries:
    """Hold every start in `starts` (the occurrences the client accepted, alternatives
    included) and create the series' purchase, one line per booking, lowered by `coupon_code`
    if given. All or nothing: one taken start (SlotTaken) or a code that does not apply holds
    none. Refuses 0 or more than MAX_OCCURRENCES starts, or repeats."""
    if not 1 <= len(starts) <= MAX_OCCURRENCES or len(set(starts)) != len(starts):
        raise SeriesError(
            _("A series has between 1 and %(max)s different sessions.") % {"max": MAX_OCCURRENCES}
        )
    if interval_weeks not in (1, 2):
        raise SeriesError(_("A series repeats every week or every two weeks."))
    now = now or timezone.now()
    with transaction.atomic():
        bookings = [
            booking_hold(
                client=client,
                practice=practice,
                session_type_id=session_type_id,
                start=start,
                now=now,
            )
            for start in sorted(starts)
        ]
        try:
            purchase = purchase_create(
                practice=practice,
                buyer=client,
                lines=[booking_line(booking) for booking in bookings],
                discount_code=coupon_code,
            )
        except PaymentRefused as error:
            raise SeriesError(error.message) from error
        series = BookingSeries.objects.create(
            practice=practice,
            session_type_id=session_type_id,
            client=client,
            interval_weeks=interval_weeks,
            count=len(bookings),
            purchase=purchase,
        )
        Booking.objects.filter(pk__in=[b.pk for b in bookings]).update(purchase=purchase)
    return series


def series_bookings(series: BookingSeries) -> QuerySet[Booking]:
    return Booking.objects.filter(purchase_id=series.purchase_id).order_by("start")


def series_release(*, series: BookingSeries, order_id: str, actor: User) -> int:
    """The client cancelled at PayPal: the order is closed and every held occurrence freed now
    (not when the holds run out). Returns how many were released."""
    with transaction.atomic():
        payment_cancel(purchase_id=series.purchase_id, order_id=order_id)
        released = 0
        for booking in series_bookings(series).select_for_update():
            if booking.state == BookingState.HELD:
                transition(
                    booking,
                    BookingState.ABANDONED,
                    actor=actor,
                    role=Role.CLIENT,
                    reason="series payment cancelled at PayPal",
                )
                released += 1
    return released


def series_cancel_rest(
    *, series: BookingSeries, actor: User, role: str = Role.CLIENT
) -> list[Refund]:
    """Cancel every upcoming confirmed occurrence, each by the bookings rule (its own line back
    inside the free window, nothing after it); the amounts are those series_refund_quote shows.
    Returns the refunds made."""
    now = timezone.now()
    refunds: list[Refund] = []
    with transaction.atomic():
        for booking in series_bookings(series).filter(state=BookingState.CONFIRMED, start__gt=now):
            refund = booking_cancel(
                booking=booking, actor=actor, role=role, reason="rest of the series cancelled"
            )
            if refund is not None:
                refunds.append(refund)
    return refunds
