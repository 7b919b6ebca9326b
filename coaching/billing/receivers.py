"""Billing hears about money from payments (`coaching.payments.signals.money_moved`) and issues
documents. Connected by importing this module in BillingConfig.ready(). The announcement comes
after the payments transaction committed; each document is written in a transaction of its
own. A failure here is logged by `announce` and caught up by `documents_issue_missing` (the
scan in tasks.py), because the ledger row that calls for the document is already there.
"""

from __future__ import annotations

from django.db import transaction
from django.dispatch import receiver

from coaching.billing.services import (
    line_moved_document_issue,
    receipt_issue,
    refund_document_issue,
)
from coaching.payments.models import LedgerEntry, LedgerKind, PurchaseLine
from coaching.payments.signals import MoneyEvent, money_moved

# Which ledger row of an announcement calls for which document.
ISSUERS = {
    LedgerKind.CAPTURE_GROSS: lambda entry: receipt_issue(capture=entry),
    LedgerKind.REFUND_GROSS: lambda entry: refund_document_issue(movement=entry),
    LedgerKind.REVERSAL: lambda entry: refund_document_issue(movement=entry),
}


@receiver(money_moved, dispatch_uid="billing.money_moved_issue_documents")
def money_moved_issue_documents(event: MoneyEvent, **kwargs) -> None:
    if event.kind in ("captured", "refunded", "reversed"):
        entries = LedgerEntry.objects.filter(pk__in=event.ledger_entry_ids, kind__in=ISSUERS)
        for entry in entries.order_by("occurred_at", "pk"):
            with transaction.atomic(durable=True):
                ISSUERS[entry.kind](entry)  # type: ignore[index]
    elif event.kind == "line_rescheduled" and event.line_id:
        line = PurchaseLine.objects.filter(pk=event.line_id).first()
        if line is not None:
            with transaction.atomic(durable=True):
                line_moved_document_issue(line=line)
