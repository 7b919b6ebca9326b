"""The ledger rows of one money movement, as pure arithmetic, and writing them.

Signs (money towards the coach is positive, LedgerKind):
- a capture writes CAPTURE_GROSS (+gross), PAYPAL_FEE (-fee), PLATFORM_FEE (-fee) and NET
  (+net), with  CAPTURE_GROSS + PAYPAL_FEE + PLATFORM_FEE == NET,  i.e.
  gross = PayPal fee + platform fee + net;
- a refund writes REFUND_GROSS (-amount), REFUND_PAYPAL_FEE (+PayPal fee returned),
  REFUND_PLATFORM_FEE (+SofaDoc fee returned) and REFUND_NET (-what leaves the coach's balance),
  with the same identity  REFUND_GROSS + REFUND_PAYPAL_FEE + REFUND_PLATFORM_FEE == REFUND_NET;
- a reversal writes REVERSAL (-what was not refunded yet).
NET is derived from the other rows, so the identity holds to the cent whatever the provider
reports; a provider figure that disagrees is logged for reconciliation, never hidden.
"""

from __future__ import annotations

import logging
from datetime import datetime
from decimal import Decimal

from coaching.payments.models import LedgerEntry, LedgerKind

logger = logging.getLogger(__name__)

Rows = list[tuple[str, Decimal]]


def capture_rows(*, gross: Decimal, paypal_fee: Decimal, platform_fee: Decimal) -> Rows:
    return [
        (LedgerKind.CAPTURE_GROSS, gross),
        (LedgerKind.PAYPAL_FEE, -paypal_fee),
        (LedgerKind.PLATFORM_FEE, -platform_fee),
        (LedgerKind.NET, gross - paypal_fee - platform_fee),
    ]


def refund_rows(*, amount: Decimal, paypal_fee: Decimal, platform_fee: Decimal) -> Rows:
    return [
        (LedgerKind.REFUND_GROSS, -amount),
        (LedgerKind.REFUND_PAYPAL_FEE, paypal_fee),
        (LedgerKind.REFUND_PLATFORM_FEE, platform_fee),
        (LedgerKind.REFUND_NET, -(amount - paypal_fee - platform_fee)),
    ]


def ledger_write(
    *,
    purchase,
    rows: Rows,
    currency: str,
    provider: str,
    reference: str,
    occurred_at: datetime,
    memo: str = "",
) -> list[int]:
    """Write the rows of one movement once: a second call for the same provider reference (the
    return leg and the webhook racing) writes nothing. Returns the ids of the rows written now.
    The caller holds the payment's row lock, which orders the two."""
    if LedgerEntry.objects.filter(provider_reference=reference, kind=rows[0][0]).exists():
        return []
    entries = LedgerEntry.objects.bulk_create(
        LedgerEntry(
            practice_id=purchase.practice_id,
            purchase=purchase,
            kind=kind,
            amount=amount,
            currency=currency,
            provider=provider,
            provider_reference=reference,
            occurred_at=occurred_at,
            memo=memo[:255],
        )
        for kind, amount in rows
    )
    return [entry.pk for entry in entries]


def check_reported_net(*, reference: str, reported: Decimal | None, derived: Decimal) -> None:
    if reported is not None and reported != derived:
        logger.error(
            "provider reports net %s for %s, the ledger derives %s", reported, reference, derived
        )
