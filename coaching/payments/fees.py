"""SofaDoc's fee, and how it is shared out when money goes back. Pure arithmetic on Decimals, to
the cent, except `platform_fee_for`, which reads the practice's override.

The fee of a purchase is decided once, when the purchase is created, and stored on it; the order
sends it to PayPal as `payment_instruction.platform_fees` (`coaching/payments/orders.py`).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from sofadoc.errors import ShownError

CENT = Decimal("0.01")
HUNDRED = Decimal("100")


class FeeError(ShownError, ValueError):
    """The fee cannot be taken from this amount; `message` can be shown."""


def cents(amount: Decimal) -> Decimal:
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def fee_from(amount: Decimal, *, percent: Decimal, fixed: Decimal) -> Decimal:
    """percent of amount plus fixed, to the cent. Refuses a fee above the amount: the coach
    would pay to be paid, and PayPal would refuse the order anyway."""
    amount = Decimal(amount)
    if amount <= 0:
        return Decimal("0.00")
    fee = cents(amount * Decimal(percent) / HUNDRED + Decimal(fixed))
    if fee > amount:
        raise FeeError(_("The SofaDoc fee would be larger than the price."))
    return fee


def platform_fee_for(practice, amount: Decimal) -> Decimal:
    """The one place that decides SofaDoc's fee for a sale by `practice`: the practice's
    override if staff set one (FeeOverride), else PAYMENTS_FEE_PERCENT + PAYMENTS_FEE_FIXED."""
    from coaching.payments.models import FeeOverride

    override = FeeOverride.objects.filter(practice_id=practice.pk).first()
    if override is not None:
        return fee_from(amount, percent=override.percent, fixed=override.fixed)
    return fee_from(
        amount,
        percent=Decimal(str(settings.PAYMENTS_FEE_PERCENT)),
        fixed=Decimal(str(settings.PAYMENTS_FEE_FIXED)),
    )


def fee_share(
    *, fee: Decimal, total: Decimal, amount: Decimal, refunded_before: Decimal, fee_before: Decimal
) -> Decimal:
    """The part of `fee` that goes back with a refund of `amount` out of `total`.

    In proportion to the amount, rounded to the cent; the refund that empties the payment takes
    whatever is left, so a payment refunded in any number of steps gives back exactly `fee`.
    """
    if refunded_before + amount >= total:
        return fee - fee_before
    share = cents(fee * amount / total)
    return min(share, fee - fee_before)


def twin_paypal_fee(amount: Decimal) -> Decimal:
    """What PayPal plausibly keeps of a German payment (2.49 % + 0.35 €): the twin's figure."""
    return min(cents(Decimal(amount) * Decimal("0.0249") + Decimal("0.35")), Decimal(amount))
