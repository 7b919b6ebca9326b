"""Creating a purchase (what is sold, for how much, SofaDoc's fee) and moving a line's date."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coaching.payments.discounts import DiscountRefused, discount_for
from coaching.payments.fees import FeeError, platform_fee_for
from coaching.payments.lines import LineSpec
from coaching.payments.models import Purchase, PurchaseLine
from coaching.payments.services.common import PaymentRefused, announce_on_commit


def purchase_create(
    *,
    practice,
    buyer,
    lines: list[LineSpec],
    billing_name: str = "",
    billing_address: str = "",
    reference: str = "",
    discount_code: str = "",
) -> Purchase:
    """A purchase from `practice` with SofaDoc's fee decided now (fees.platform_fee_for).

    Refuses (PaymentRefused, nothing written) lines in more than one currency, a negative
    amount, nothing to buy, or a fee the price cannot carry. `reference` (unique) becomes the
    order's invoice id at PayPal; a random one when not given. `discount_code` lowers the lines
    through the registered discount source (discounts.py), which counts its use in the same
    transaction; a code that does not apply is refused (PaymentRefused) and nothing is written.
    """
    if not lines:
        raise PaymentRefused(_("There is nothing to pay."))
    with transaction.atomic():
        discount = None
        if discount_code:
            try:
                discount = discount_for(
                    code=discount_code,
                    practice=practice,
                    buyer=buyer,
                    lines=lines,
                    now=timezone.now(),
                    record=True,
                )
            except DiscountRefused as error:
                raise PaymentRefused(error.message) from error
            lines = discount.lines
        purchase = _purchase_write(
            practice=practice,
            buyer=buyer,
            lines=lines,
            billing_name=billing_name,
            billing_address=billing_address,
            reference=reference,
        )
        if discount is not None:
            discount.redeem(purchase)
    return purchase


def _purchase_write(
    *,
    practice,
    buyer,
    lines: list[LineSpec],
    billing_name: str,
    billing_address: str,
    reference: str,
) -> Purchase:
    """Check and write the purchase and its lines (inside purchase_create's transaction)."""
    currencies = {line.currency for line in lines}
    if len(currencies) != 1:
        raise PaymentRefused(_("All items of one payment must be in the same currency."))
    if any(Decimal(line.amount) < 0 or line.quantity < 1 for line in lines):
        raise PaymentRefused(_("An amount is not valid."))
    total = sum((Decimal(line.amount) * line.quantity for line in lines), Decimal("0"))
    try:
        fee = platform_fee_for(practice, total)
    except FeeError as error:
        raise PaymentRefused(error.message) from error
    purchase = Purchase.objects.create(
        practice=practice,
        buyer=buyer,
        total=total,
        currency=currencies.pop(),
        platform_fee=fee,
        billing_name=billing_name,
        billing_address=billing_address,
        **({"reference": reference} if reference else {}),
    )
    PurchaseLine.objects.bulk_create(
        PurchaseLine(
            purchase=purchase,
            kind=line.kind,
            object_id=line.object_id,
            description=line.description[:200],
            service_date=line.service_date,
            quantity=line.quantity,
            amount=line.amount,
            currency=line.currency,
        )
        for line in lines
    )
    return purchase


def purchase_line_reschedule(*, line: PurchaseLine, service_date: datetime) -> PurchaseLine:
    """The session moved: the line names the new date of service, and billing (listening for
    "line_rescheduled") issues its correction document after commit."""
    with transaction.atomic():
        line = PurchaseLine.objects.select_for_update().select_related("purchase").get(pk=line.pk)
        if line.service_date == service_date:
            return line
        line.service_date = service_date
        line.save(update_fields=["service_date"])
        announce_on_commit("line_rescheduled", purchase=line.purchase, line_id=line.pk)
    return line
