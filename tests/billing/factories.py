"""Money rows as `pay` will write them, made directly with the suite's factories (purchase with its
line, ledger rows: tests/factories/payments.py), and the announcement payments makes after its
commit. Signs follow LedgerKind: towards the coach is positive (gross and net in, fees and refunds
out, fees given back in)."""

from __future__ import annotations

import itertools
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from coaching.billing.models import Document
from coaching.billing.receivers import money_moved_issue_documents
from coaching.payments.models import LedgerEntry, LedgerKind, Purchase
from coaching.payments.signals import MoneyEvent, announce
from tests.factories import LedgerEntryFactory, PurchaseFactory

_references = itertools.count(1)


def _reference(prefix: str) -> str:
    return f"{prefix}{next(_references):08d}"


def purchase_make(
    *,
    practice,
    buyer=None,
    amount: Decimal = Decimal("80.00"),
    fee: Decimal = Decimal("8.00"),
    description: str = "Coaching-Sitzung (60 Min.)",
    service_date: datetime | None = None,
    object_id: int = 1,
    kind: str = "booking",
    billing_name: str = "",
    billing_address: str = "",
) -> Purchase:
    return PurchaseFactory(
        practice=practice,
        buyer=buyer,
        total=amount,
        platform_fee=fee,
        billing_name=billing_name,
        billing_address=billing_address,
        line__kind=kind,
        line__object_id=object_id,
        line__description=description,
        line__service_date=service_date,
    )


def capture_record(
    purchase: Purchase, *, paypal_fee: Decimal = Decimal("2.87"), at: datetime | None = None
) -> list[LedgerEntry]:
    """The four rows of a capture (gross = PayPal fee + SofaDoc fee + net, fees negative)."""
    reference = _reference("CAP")
    at = at or timezone.now()
    total, fee = Decimal(str(purchase.total)), Decimal(str(purchase.platform_fee))
    net = total - paypal_fee - fee
    rows = [
        (LedgerKind.CAPTURE_GROSS, total),
        (LedgerKind.PAYPAL_FEE, -paypal_fee),
        (LedgerKind.PLATFORM_FEE, -fee),
        (LedgerKind.NET, net),
    ]
    return _write(purchase, reference, rows, at)


def refund_record(
    purchase: Purchase, *, amount: Decimal, fee_back: Decimal = Decimal("0.00"), at=None
) -> list[LedgerEntry]:
    reference = _reference("REF")
    rows = [(LedgerKind.REFUND_GROSS, -amount), (LedgerKind.REFUND_NET, -(amount - fee_back))]
    if fee_back:
        rows.append((LedgerKind.REFUND_PLATFORM_FEE, fee_back))
    return _write(purchase, reference, rows, at or timezone.now())


def _write(purchase, reference, rows, at) -> list[LedgerEntry]:
    return [
        LedgerEntryFactory(
            purchase=purchase,
            kind=kind,
            amount=amount,
            provider="twin",
            provider_reference=reference,
            occurred_at=at,
        )
        for kind, amount in rows
    ]


def announce_after_commit(kind: str, *, purchase=None, entries=(), line=None) -> None:
    """What payments does at the end of its services: announce once the rows are committed."""
    event = MoneyEvent(
        kind=kind,
        purchase_id=purchase.pk if purchase else None,
        ledger_entry_ids=tuple(entry.pk for entry in entries),
        line_id=line.pk if line else None,
        practice_id=purchase.practice_id if purchase else None,
    )
    transaction.on_commit(lambda: announce(event))


def paid(practice, *, capture_at=None, **purchase_fields) -> tuple[Purchase, list[LedgerEntry]]:
    purchase = purchase_make(practice=practice, **purchase_fields)
    return purchase, capture_record(purchase, at=capture_at)


def receipt_issued(practice, buyer, **fields) -> Document:
    """A paid purchase and the receipt billing issues when the capture is announced."""
    purchase, entries = paid(practice, buyer=buyer, **fields)
    money_moved_issue_documents(MoneyEvent("captured", purchase.pk, [e.pk for e in entries]))
    return Document.objects.get(purchase=purchase)
