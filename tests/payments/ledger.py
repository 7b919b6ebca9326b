"""Ledger rows written directly, as the payments services would after a capture or a refund
(signs per the ledger: money towards the coach is positive), with the suite's factories
(tests/factories/payments.py) and PayPal's and SofaDoc's fee arithmetic. Used by tests and
bench/earnings."""

from __future__ import annotations

import itertools
from datetime import datetime
from decimal import Decimal

from coaching.payments.models import LedgerEntry, LedgerKind, Purchase
from tests.factories import LedgerEntryFactory, PurchaseFactory

CENT = Decimal("0.01")
_ids = itertools.count(1)


def fees_for(gross: Decimal) -> tuple[Decimal, Decimal]:
    """PayPal's (2.99 % + 0.39) and SofaDoc's (10 %) share, as positive amounts."""
    paypal = (gross * Decimal("0.0299") + Decimal("0.39")).quantize(CENT)
    platform = (gross * Decimal("0.10")).quantize(CENT)
    return paypal, platform


def captured(
    *, practice, at: datetime, gross: Decimal, description: str = "Coaching-Sitzung", bulk=None
) -> Purchase:
    """A purchase of one session, paid at `at`: four ledger rows (gross, two fees, net).
    With `bulk` (a list) the rows are appended to it for one bulk_create instead."""
    paypal_fee, platform_fee = fees_for(gross)
    purchase = PurchaseFactory(
        practice=practice,
        total=gross,
        platform_fee=platform_fee,
        created_at=at,
        line__object_id=next(_ids),
        line__description=description,
        line__service_date=at,
    )
    reference = f"CAP-{purchase.pk:010d}"
    rows = [
        (LedgerKind.CAPTURE_GROSS, gross),
        (LedgerKind.PAYPAL_FEE, -paypal_fee),
        (LedgerKind.PLATFORM_FEE, -platform_fee),
        (LedgerKind.NET, gross - paypal_fee - platform_fee),
    ]
    entries = _entries(purchase, reference, at, rows)
    if bulk is None:
        LedgerEntry.objects.bulk_create(entries)
    else:
        bulk.extend(entries)
    return purchase


def refunded(*, purchase: Purchase, at: datetime, amount: Decimal, paypal_fee_back=CENT * 0):
    """A refund of `amount`, giving back SofaDoc's fee share in proportion."""
    share = (purchase.platform_fee * amount / purchase.total).quantize(CENT)
    reference = f"REF-{purchase.pk:010d}-{next(_ids)}"
    rows = [
        (LedgerKind.REFUND_GROSS, -amount),
        (LedgerKind.REFUND_PAYPAL_FEE, paypal_fee_back),
        (LedgerKind.REFUND_PLATFORM_FEE, share),
        (LedgerKind.REFUND_NET, -amount + paypal_fee_back + share),
    ]
    return LedgerEntry.objects.bulk_create(_entries(purchase, reference, at, rows))


def _entries(purchase: Purchase, reference: str, at: datetime, rows) -> list[LedgerEntry]:
    # Built, not saved: the callers insert them in one bulk_create.
    return [
        LedgerEntryFactory.build(
            purchase=purchase,
            kind=kind,
            amount=amount,
            currency="EUR",
            provider_reference=reference,
            occurred_at=at,
        )
        for kind, amount in rows
    ]
