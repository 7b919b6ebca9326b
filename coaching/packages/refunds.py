"""The one place where the refund of a package or a series is computed, both for showing it to
the client before they confirm and for issuing it: what is shown is what is refunded.

A package's unused sessions are refunded pro rata of its price (when its coach's rule says so);
a series gives back, per occurrence, what the bookings rule gives for cancelling that booking
(`booking_refund_amount`: its own line inside the free window, nothing after it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from coaching.bookings.models import Booking, BookingState, Role
from coaching.bookings.services import booking_refund_amount
from coaching.packages.models import ClientPackage, ExpiryRule
from coaching.payments.models import PurchaseLine

CENT = Decimal("0.01")


def package_refund_for_unused(*, price: Decimal, sessions: int, unused: int) -> Decimal:
    """Pro rata: `unused` of `sessions` sessions of a package that cost `price`, to the cent."""
    if unused <= 0 or sessions <= 0:
        return Decimal("0.00")
    unused = min(unused, sessions)
    return (Decimal(price) * unused / sessions).quantize(CENT, rounding=ROUND_HALF_UP)


def package_expiry_refund(client_package: ClientPackage, *, unused: int) -> Decimal:
    """What expiry gives back for `unused` sessions under the package's own rule."""
    if client_package.expiry_rule != ExpiryRule.REFUND:
        return Decimal("0.00")
    return package_refund_for_unused(
        price=client_package.price, sessions=client_package.sessions, unused=unused
    )


@dataclass(frozen=True)
class SeriesRefundQuote:
    lines: tuple[tuple[Booking, Decimal], ...]  # each upcoming occurrence and its refund

    @property
    def total(self) -> Decimal:
        return sum((amount for _booking, amount in self.lines), Decimal("0.00"))


def series_refund_quote(
    bookings: Iterable[Booking], *, role: str = Role.CLIENT, now: datetime | None = None
) -> SeriesRefundQuote:
    """The refund for cancelling every upcoming confirmed occurrence among `bookings`."""
    now = now or timezone.now()
    upcoming = [b for b in bookings if b.state == BookingState.CONFIRMED and b.start > now]
    # Each booking's own line, read in one query for the whole series.
    paid = {
        object_id: amount * quantity
        for object_id, amount, quantity in PurchaseLine.objects.filter(
            purchase_id__in={b.purchase_id for b in upcoming}, kind="booking"
        ).values_list("object_id", "amount", "quantity")
    }
    return SeriesRefundQuote(
        tuple(
            (b, booking_refund_amount(b, role=role, now=now, paid=paid.get(b.pk, Decimal("0.00"))))
            for b in upcoming
        )
    )
