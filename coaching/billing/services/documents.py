"""Writing a document: numbered, totalled, snapshotted, in one transaction, never changed again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from coaching.billing.models import Document, DocumentLine, retain_until_for
from coaching.billing.services.numbering import number_take
from coaching.billing.tax import ZERO, split_gross
from coaching.payments.models import PurchaseLine


@dataclass(frozen=True)
class LineDraft:
    description: str
    gross: Decimal
    service_date: datetime | None = None
    quantity: int = 1
    item_kind: str = ""
    item_id: int | None = None
    purchase_line: PurchaseLine | None = None


def document_write(
    *, lines: list[LineDraft], issued_at: datetime | None = None, **fields
) -> Document:
    """Take the next number of `fields["issuer_key"]` and write the document with its lines.

    Requires a transaction (the number series stays locked until it commits). `fields` are the
    Document's own columns apart from number, totals and retention, which are derived here: each
    line's net and VAT come from its gross at the document's rate, the totals are their sums.
    """
    issued_at = issued_at or timezone.now()
    # No savepoint of its own: the caller's transaction holds the series lock; a failure rolls
    # back the number with everything else (and saves two round trips per document).
    with transaction.atomic(savepoint=False):
        issue_day = timezone.localdate(issued_at)
        number = number_take(issuer_key=fields["issuer_key"], year=issue_day.year)
        splits = [split_gross(line.gross, fields["vat_rate"]) for line in lines]
        document = Document.objects.create(
            number=number,
            issued_at=issued_at,
            retain_until=retain_until_for(issue_day),
            net_total=sum((s.net for s in splits), ZERO),
            vat_total=sum((s.vat for s in splits), ZERO),
            gross_total=sum((s.gross for s in splits), ZERO),
            **fields,
        )
        DocumentLine.objects.bulk_create(
            DocumentLine(
                document=document,
                position=position,
                item_kind=line.item_kind,
                item_id=line.item_id,
                purchase_line=line.purchase_line,
                description=line.description[:200],
                service_date=line.service_date,
                quantity=line.quantity,
                net=split.net,
                vat=split.vat,
                gross=split.gross,
            )
            for position, (line, split) in enumerate(zip(lines, splits, strict=True), start=1)
        )
    return document
