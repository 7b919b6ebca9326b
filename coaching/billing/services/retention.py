"""Keeping documents exactly as long as the law says, and catching up documents never issued."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from coaching.billing.models import Document, DocumentLine
from coaching.billing.services.receipts import receipt_issue, refund_document_issue
from coaching.payments.models import LedgerEntry, LedgerKind

logger = logging.getLogger(__name__)

# How far back the scan looks for movements without their document.
MISSING_LOOKBACK = timedelta(days=35)


def documents_purge_expired(*, batch: int = 500) -> int:
    """Delete documents whose retention period has ended (8 years after the year of issue).

    Corrections go before the documents they refer to (PROTECT), lines before their document;
    the database refuses to delete anything still inside its period (migration 0002). A
    document still referred to by a younger correction waits for that one.
    """
    today = timezone.localdate()
    deleted = 0
    while True:
        with transaction.atomic(durable=True):
            pks = list(
                Document.objects.filter(retain_until__lt=today)
                .exclude(corrections__isnull=False)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch]
            )
            if not pks:
                return deleted
            DocumentLine.objects.filter(document_id__in=pks).delete()
            deleted += Document.objects.filter(pk__in=pks).delete()[0]


def documents_issue_missing() -> int:
    """The safety net behind the money listener: issue the document of every recent capture,
    refund or reversal that has none (each in its own transaction; a failure is logged)."""
    movements = LedgerEntry.objects.filter(
        kind__in=(LedgerKind.CAPTURE_GROSS, LedgerKind.REFUND_GROSS, LedgerKind.REVERSAL),
        occurred_at__gte=timezone.now() - MISSING_LOOKBACK,
        document__isnull=True,
    ).order_by("occurred_at", "pk")
    issued = 0
    for entry in movements:
        try:
            with transaction.atomic(durable=True):
                if entry.kind == LedgerKind.CAPTURE_GROSS:
                    receipt_issue(capture=entry)
                else:
                    refund_document_issue(movement=entry)
            issued += 1
        except Exception:
            logger.exception("Document for ledger entry %s failed", entry.pk)
    return issued
