"""Receipts in the coach's name and the documents that correct them.

Each is issued once per money movement: the receipt per captured payment (its CAPTURE_GROSS
ledger row), a cancellation or corrected receipt per refund or reversal (its REFUND_GROSS or
REVERSAL row), a corrected receipt per move of a session to a new date. Amounts come from the
ledger and the purchase lines, never from a booking. All of them lock the purchase row first, so
a refund's document can never overtake the receipt it corrects.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from coaching.billing.models import Document, DocumentKind, DocumentLine
from coaching.billing.services.documents import LineDraft, document_write
from coaching.billing.services.numbering import practice_issuer_key
from coaching.billing.tax import rate_for
from coaching.payments.models import LedgerEntry, LedgerKind, Purchase, PurchaseLine
from coaching.practices.models import Practice, TaxTreatment

logger = logging.getLogger(__name__)

# Up to this gross a receipt is a small-amount invoice (§ 33 UStDV) and need not name the buyer.
SMALL_AMOUNT_LIMIT = Decimal("250.00")
RECEIPT_KINDS = (DocumentKind.RECEIPT,)


class DocumentMismatch(Exception):
    """The purchase lines do not add up to what was captured: no document is better than a
    wrong one (the scan retries once the data is right, and the error is logged)."""


def billing_details_required(gross: Decimal) -> bool:
    """Whether checkout must ask for the buyer's billing name and address."""
    return gross > SMALL_AMOUNT_LIMIT


def _issuer(practice: Practice) -> dict:
    owner = practice.owner if practice.owner_id else None
    owner_name = owner.display_name if owner else ""
    return {
        "issuer_key": practice_issuer_key(practice.pk),
        "issuer_name": practice.billing_name or owner_name or practice.name,
        "issuer_address": practice.billing_address,
        "issuer_tax_number": practice.tax_number,
        "issuer_vat_id": practice.vat_id if practice.tax_treatment == TaxTreatment.VAT else "",
        "tax_treatment": practice.tax_treatment,
        "vat_rate": rate_for(practice.tax_treatment),
    }


def _locked_purchase(purchase_id: int) -> Purchase:
    return (
        Purchase.objects.select_for_update(of=("self",)).select_related("buyer").get(pk=purchase_id)
    )


@transaction.atomic(savepoint=False)
def receipt_issue(*, capture: LedgerEntry) -> Document:
    """The receipt for one captured payment (idempotent: the same capture returns the same one)."""
    if capture.kind != LedgerKind.CAPTURE_GROSS:
        raise ValueError(f"A receipt needs a capture_gross ledger row, not {capture.kind}")
    purchase = _locked_purchase(capture.purchase_id)
    existing = Document.objects.filter(ledger_entry=capture).first()
    if existing:
        return existing
    gross = abs(capture.amount)
    lines = list(purchase.lines.all())
    drafts = [
        LineDraft(
            description=line.description,
            gross=line.amount * line.quantity,
            service_date=line.service_date,
            quantity=line.quantity,
            item_kind=line.kind,
            item_id=line.object_id,
            purchase_line=line,
        )
        for line in lines
    ]
    if sum((d.gross for d in drafts), Decimal("0")) != gross:
        raise DocumentMismatch(f"purchase {purchase.pk}: lines do not add up to {gross}")
    practice = Practice.objects.select_related("owner").get(pk=capture.practice_id)
    buyer = purchase.buyer
    return document_write(
        kind=DocumentKind.RECEIPT,
        practice=practice,
        purchase=purchase,
        ledger_entry=capture,
        source_key=f"ledger:{capture.pk}",
        recipient_user=buyer,
        recipient_name=purchase.billing_name or (buyer.display_name if buyer else ""),
        recipient_address=purchase.billing_address,
        recipient_required=billing_details_required(gross),
        currency=capture.currency,
        memo=capture.provider_reference,
        lines=drafts,
        **_issuer(practice),
    )


def _original_receipt(purchase: Purchase) -> Document | None:
    receipt = Document.objects.filter(purchase=purchase, kind__in=RECEIPT_KINDS).first()
    if receipt is None:
        capture = (
            LedgerEntry.objects.filter(purchase=purchase, kind=LedgerKind.CAPTURE_GROSS)
            .order_by("occurred_at", "pk")
            .first()
        )
        receipt = receipt_issue(capture=capture) if capture else None
    return receipt


def _copied_parties(original: Document) -> dict:
    """A correction has the parties and the tax treatment of the document it corrects."""
    names = [
        "practice",
        "purchase",
        "issuer_key",
        "issuer_name",
        "issuer_address",
        "issuer_tax_number",
        "issuer_vat_id",
        "tax_treatment",
        "vat_rate",
        "recipient_user",
        "recipient_name",
        "recipient_address",
        "recipient_required",
        "restricted",
        "currency",
    ]
    return {name: getattr(original, name) for name in names}


@transaction.atomic(savepoint=False)
def refund_document_issue(*, movement: LedgerEntry) -> Document | None:
    """The cancellation (all of the receipt given back) or corrected receipt (a part) for one
    refund or reversal, with negative amounts, referring to the receipt. Idempotent."""
    if movement.kind not in (LedgerKind.REFUND_GROSS, LedgerKind.REVERSAL):
        raise ValueError(f"Not a refund or reversal ledger row: {movement.kind}")
    purchase = _locked_purchase(movement.purchase_id)
    existing = Document.objects.filter(ledger_entry=movement).first()
    if existing:
        return existing
    original = _original_receipt(purchase)
    if original is None:
        logger.error("Refund %s of purchase %s has no capture to correct", movement.pk, purchase.pk)
        return None
    amount = abs(movement.amount)
    given_back = -sum(
        (d.gross_total for d in original.corrections.filter(ledger_entry__isnull=False)),
        Decimal("0"),
    )
    original_lines = list(original.lines.all())
    if given_back == 0 and amount == original.gross_total:
        kind = DocumentKind.CANCELLATION
        drafts = [
            LineDraft(
                description=line.description,
                gross=-line.gross,
                service_date=line.service_date,
                quantity=line.quantity,
                item_kind=line.item_kind,
                item_id=line.item_id,
                purchase_line=line.purchase_line,
            )
            for line in original_lines
        ]
    else:
        kind = DocumentKind.CORRECTION
        first = original_lines[0]
        with override("de"):  # the document's language, whoever triggered the refund
            description = _("Partial refund: %(description)s") % {"description": first.description}
        drafts = [
            LineDraft(
                description=description,
                gross=-amount,
                service_date=first.service_date,
                item_kind=first.item_kind,
                item_id=first.item_id,
                purchase_line=first.purchase_line,
            )
        ]
    return document_write(
        kind=kind,
        ledger_entry=movement,
        refers_to=original,
        source_key=f"ledger:{movement.pk}",
        memo=movement.provider_reference,
        lines=drafts,
        **_copied_parties(original),
    )


@transaction.atomic(savepoint=False)
def line_moved_document_issue(*, line: PurchaseLine) -> Document | None:
    """A corrected receipt naming the new date of service of a moved session (amounts unchanged,
    so its total is zero). Nothing if no receipt exists yet (it will carry the new date) or the
    latest document already shows this date."""
    purchase = _locked_purchase(line.purchase_id)
    line = PurchaseLine.objects.get(pk=line.pk)  # the date as committed, read under the lock
    original = Document.objects.filter(purchase=purchase, kind__in=RECEIPT_KINDS).first()
    if original is None or line.service_date is None:
        return None
    shown = (
        DocumentLine.objects.filter(purchase_line=line, service_date__isnull=False)
        .order_by("-document__issued_at", "-document_id")
        .values_list("service_date", flat=True)
        .first()
    )
    if shown == line.service_date:
        return None
    source_key = f"moved:{line.pk}:{int(line.service_date.timestamp())}"
    existing = Document.objects.filter(source_key=source_key).first()
    if existing:
        return existing
    zone = ZoneInfo(original.practice.time_zone)
    with override("de"):
        previously = (
            formats.date_format(timezone.localtime(shown, zone), "d.m.Y H:i") if shown else ""
        )
        description = _("Date of service changed: %(description)s (previously %(previous)s)") % {
            "description": line.description,
            "previous": previously,
        }
    return document_write(
        kind=DocumentKind.CORRECTION,
        refers_to=original,
        source_key=source_key,
        lines=[
            LineDraft(
                description=description,
                gross=Decimal("0.00"),
                service_date=line.service_date,
                quantity=line.quantity,
                item_kind=line.kind,
                item_id=line.object_id,
                purchase_line=line,
            )
        ],
        **_copied_parties(original),
    )
