"""Coupons: what a code takes off a checkout, and how its uses are counted.

Registered with payments as its discount source (payments/discounts.py) from this app's ready():
`purchase_create(discount_code=...)` calls `coupon_discount(record=True)` inside its
transaction, which locks the coupon row, counts the uses under that lock and writes the use
with the purchase, so two concurrent checkouts can never take more uses than the coupon has.

A use counts while its purchase is paid (a payment captured, pending, partly refunded or
reversed), or while it is held: until `hold_until` (the booking hold's length) and as long as its
payment was neither cancelled at PayPal, nor failed, nor refunded. An abandoned checkout therefore
gives its use back by itself, whether the client pressed "cancel" at PayPal or just closed the
tab; so does a purchase refunded in full (cancelled within the terms, or by the coach), which
the client ends up never having bought. (A capture that arrives after the hold ran out is
honoured, as the booking's is: the client approved that price at PayPal.)

The discount is written into the purchase lines: each line's amount is lowered and its
description names the coupon, so the PayPal order (amount and description) and the receipt
(made from the lines) carry it, and every refund, made from the lines, gives back what was paid.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coaching.packages.models import Coupon, CouponKind, CouponUse
from coaching.payments.discounts import Discount, DiscountRefused
from coaching.payments.models import Payment, PaymentStatus
from coaching.payments.services import LineSpec
from sofadoc.errors import ShownError
from sofadoc.template_filters import money

if TYPE_CHECKING:
    from coaching.payments.models import Purchase
    from coaching.practices.models import Practice
    from sofadoc.accounts.models import User

CENT = Decimal("0.01")
HUNDRED = Decimal("100")
# PayPal takes no order below this, and SofaDoc's fee must fit in what is left.
MIN_TOTAL = Decimal("1.00")
# A partial refund keeps the use: the client kept something bought at the coupon's price (a
# goodwill refund, the sessions of a series taken before the rest was cancelled). A reversal
# (chargeback) keeps it too: that is a dispute, not a cancellation within the terms, and giving
# the use back would let a contested purchase free a limited code. Only REFUNDED, set once the
# refunds reach the whole amount (payments/services/refunds.py), gives it back.
PAID_STATES = (
    PaymentStatus.CAPTURED,
    PaymentStatus.PENDING,
    PaymentStatus.PARTIALLY_REFUNDED,
    PaymentStatus.REVERSED,
)
ENDED_STATES = (PaymentStatus.CANCELLED, PaymentStatus.FAILED, PaymentStatus.REFUNDED)


class CouponError(ShownError):
    """A coach's change to a coupon we refuse; `message` can be shown."""


# --- Counting uses ------------------------------------------------------------------------
def counting_uses(now: datetime) -> Q:
    """The CouponUse rows that count against their coupon at `now` (see the module docstring)."""
    paid = Payment.objects.filter(purchase_id=OuterRef("purchase_id"), status__in=PAID_STATES)
    ended = Payment.objects.filter(purchase_id=OuterRef("purchase_id"), status__in=ENDED_STATES)
    return Q(Exists(paid)) | (Q(hold_until__gt=now) & ~Q(Exists(ended)))


def coupon_uses_counted(coupon: Coupon, *, now: datetime) -> int:
    return CouponUse.objects.filter(coupon=coupon).filter(counting_uses(now)).count()


def coupons_of_practice(practice: Practice, *, now: datetime) -> QuerySet[Coupon]:
    """The coach's coupons, each with `used` (uses counting now), in one query."""
    used = (
        CouponUse.objects.filter(coupon=OuterRef("pk"))
        .filter(counting_uses(now))
        .order_by()
        .values("coupon")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Coupon.objects.filter(practice=practice)
        .select_related("session_type", "package")
        .annotate(used=Coalesce(Subquery(used, output_field=IntegerField()), Value(0)))
    )


# --- What a code takes off ----------------------------------------------------------------
def _cents(amount: Decimal) -> Decimal:
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def coupon_value_label(coupon: Coupon, currency: str = "EUR") -> str:
    """ "20 %" or "15,00 €" in the active language."""
    if coupon.kind == CouponKind.PERCENT:
        value = coupon.value.normalize()
        number = formats.number_format(value, use_l10n=True)
        return f"{number}\N{NO-BREAK SPACE}%"
    return money(coupon.value, currency)


def _matches(coupon: Coupon, line: LineSpec) -> bool:
    """Whether the line is what the coupon is for (anything, its session type, its package)."""
    wanted = set()
    if coupon.package_id is not None:
        wanted.add(f"package:{coupon.package_id}")
    if coupon.session_type_id is not None:
        wanted.add(f"session_type:{coupon.session_type_id}")
    return wanted <= set(line.offer_keys)


def discount_amounts(coupon: Coupon, amounts: list[Decimal]) -> list[Decimal]:
    """What comes off each of `amounts` (line totals), to the cent. A percentage comes off each
    line; an amount is shared over the lines in proportion, the last line taking the rounding,
    and never more than they cost in all."""
    if coupon.kind == CouponKind.PERCENT:
        return [_cents(amount * coupon.value / HUNDRED) for amount in amounts]
    total = sum(amounts, Decimal("0"))
    off_total = min(_cents(coupon.value), total)
    if total <= 0:
        return [Decimal("0.00") for _amount in amounts]
    shares = [_cents(off_total * amount / total) for amount in amounts[:-1]]
    return [*shares, off_total - sum(shares, Decimal("0"))]


def _refuse_unless_usable(coupon: Coupon | None, *, now: datetime) -> Coupon:
    if coupon is None or not coupon.is_active:
        raise DiscountRefused(_("This code is not valid."))
    if (coupon.valid_from and now < coupon.valid_from) or (
        coupon.valid_until and now >= coupon.valid_until
    ):
        raise DiscountRefused(_("This code is not valid at this time."))
    if coupon.max_uses is not None and coupon_uses_counted(coupon, now=now) >= coupon.max_uses:
        raise DiscountRefused(_("This code has been used up."))
    return coupon


def coupon_discount(
    *,
    code: str,
    practice: Practice,
    buyer: User,
    lines: list[LineSpec],
    now: datetime,
    record: bool,
) -> Discount:
    """The discount source (payments/discounts.py). With `record`, the caller's transaction
    holds the coupon's row lock from here until it commits, and `redeem` writes the use."""
    if "\x00" in code:  # no code holds one (the form refuses it), and PostgreSQL cannot ask
        raise DiscountRefused(_("This code is not valid."))
    found = Coupon.objects.filter(practice_id=practice.pk, code=code)
    if record:
        found = found.select_for_update()
    coupon = _refuse_unless_usable(found.first(), now=now)
    matching = [i for i, line in enumerate(lines) if _matches(coupon, line)]
    if not matching:
        raise DiscountRefused(_("This code does not apply to this offer."))
    offs = discount_amounts(
        coupon, [Decimal(lines[i].amount) * lines[i].quantity for i in matching]
    )
    currency = lines[0].currency
    new_lines = list(lines)
    with translation.override("de"):  # the receipt's language, whoever buys
        for i, off in zip(matching, offs, strict=True):
            line = lines[i]
            if off <= 0:
                continue
            note = _("coupon %(code)s: −%(amount)s") % {
                "code": coupon.code,
                "amount": money(off, line.currency),
            }
            new_lines[i] = replace(
                line,
                description=f"{line.description[: 200 - len(note) - 3]} ({note})",
                amount=(Decimal(line.amount) * line.quantity - off) / line.quantity,
            )
    taken = sum(offs, Decimal("0"))
    total = sum((Decimal(line.amount) * line.quantity for line in new_lines), Decimal("0"))
    if taken <= 0:
        raise DiscountRefused(_("This code does not apply to this offer."))
    if total < MIN_TOTAL:
        raise DiscountRefused(_("With this code less than 1 € would be left to pay."))

    def redeem(purchase: Purchase) -> CouponUse:
        return CouponUse.objects.create(
            coupon=coupon,
            purchase=purchase,
            client=buyer,
            amount=taken,
            currency=currency,
            hold_until=now + timedelta(minutes=settings.BOOKING_HOLD_MINUTES),
        )

    label = _("Coupon %(code)s: %(value)s off") % {
        "code": coupon.code,
        "value": coupon_value_label(coupon, currency),
    }
    return Discount(code=coupon.code, label=label, lines=new_lines, amount=taken, redeem=redeem)


# --- The coach's changes ------------------------------------------------------------------
def coupon_save(*, coupon: Coupon, actor: User) -> Coupon:
    """Create a coupon (validated by its form) for the actor's own practice."""
    if coupon.practice.owner_id != actor.pk:
        raise CouponError(gettext_lazy("This is not your practice."))
    for restriction in (coupon.session_type, coupon.package):
        if restriction is not None and restriction.practice_id != coupon.practice_id:
            raise CouponError(gettext_lazy("Please choose one of your own offers."))
    with transaction.atomic():
        coupon.save()
    return coupon


def coupon_deactivate(*, coupon_id: int, actor: User) -> Coupon | None:
    """The coach stops a coupon: no new checkout takes it (held ones may still be paid).
    None if it is not a coupon of the actor's practice."""
    with transaction.atomic():
        coupon = (
            Coupon.objects.select_for_update().filter(pk=coupon_id, practice__owner=actor).first()
        )
        if coupon is not None and coupon.is_active:
            coupon.is_active = False
            coupon.save(update_fields=["is_active"])
    return coupon
