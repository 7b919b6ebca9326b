"""Reads of billing for pages, the earnings CSV (onboard) and the booking page (bookings)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse

from coaching.billing.models import Document, DocumentKind, DocumentLine
from coaching.billing.periods import month_of
from coaching.payments.models import LedgerEntry, LedgerKind
from coaching.practices.models import Practice
from sofadoc.accounts.staff import staff_with_two_factors

FEE_LEDGER_KINDS = (LedgerKind.PLATFORM_FEE, LedgerKind.REFUND_PLATFORM_FEE)


def documents_for_item(*, kind: str, object_id: int) -> list[Document]:
    """Every document about one thing sold (e.g. kind "booking" and the booking's id), oldest
    first: the receipt, then its corrections."""
    lines = DocumentLine.objects.filter(item_kind=kind, item_id=object_id)
    return list(
        Document.objects.filter(Exists(lines.filter(document=OuterRef("pk")))).order_by(
            "issued_at", "pk"
        )
    )


def document_for_viewer(*, user, pk: int) -> Document | None:
    """The document if `user` may see it: its recipient, the coach of the practice (their own
    receipts and the fee invoices SofaDoc sent them), or staff with a second factor (the same
    check as the admin's: sofadoc/accounts/staff.py). None otherwise."""
    if not user.is_authenticated:
        return None
    documents = Document.objects.select_related("practice", "refers_to").prefetch_related(
        Prefetch("lines", queryset=DocumentLine.objects.order_by("position"))
    )
    if not staff_with_two_factors(user):
        documents = documents.filter(Q(recipient_user=user) | Q(practice__owner=user))
    return documents.filter(pk=pk).first()


def fee_invoice_for(practice: Practice, month: date) -> Document | None:
    """SofaDoc's fee invoice of `practice` for the month containing `month` (for the earnings
    page: link it with reverse("billing:document_pdf", args=[invoice.pk]))."""
    return Document.objects.filter(
        kind=DocumentKind.FEE_INVOICE, practice=practice, period_start=month.replace(day=1)
    ).first()


def fee_invoices_of(*, practice: Practice) -> QuerySet[Document]:
    return Document.objects.filter(kind=DocumentKind.FEE_INVOICE, practice=practice).order_by(
        "-period_start"
    )


def fee_invoice_url(*, practice: Practice, month: date) -> str | None:
    """Where the earnings page links the month's fee invoice (its PDF), once issued."""
    invoice = fee_invoice_for(practice, month)
    return reverse("billing:document_pdf", args=[invoice.pk]) if invoice else None


def document_numbers_for(ledger_entry_ids: Iterable[int]) -> dict[int, str]:
    """The number of the document that books each ledger row (for the tax advisor's CSV).

    A capture's rows (gross, PayPal fee, net) belong to its receipt, a refund's rows to its
    cancellation or corrected receipt (matched by the provider reference the rows share);
    SofaDoc's fee and the fee it gave back belong to that month's fee invoice once issued.
    Rows without a document yet are left out. Three queries, whatever the number of rows.
    """
    entries = list(
        LedgerEntry.objects.filter(pk__in=list(ledger_entry_ids)).values(
            "pk", "practice_id", "purchase_id", "provider_reference", "kind", "occurred_at"
        )
    )
    if not entries:
        return {}
    by_movement = dict(
        Document.objects.filter(
            ledger_entry__provider_reference__in={e["provider_reference"] for e in entries},
            ledger_entry__purchase_id__in={e["purchase_id"] for e in entries},
        ).values_list("ledger_entry__provider_reference", "number")
    )
    fee_entries = [e for e in entries if e["kind"] in FEE_LEDGER_KINDS]
    months = {(e["practice_id"], month_of(e["occurred_at"])) for e in fee_entries}
    invoices = {}
    if months:
        invoices = {
            (practice_id, period): number
            for practice_id, period, number in Document.objects.filter(
                kind=DocumentKind.FEE_INVOICE,
                practice_id__in={p for p, _m in months},
                period_start__in={m for _p, m in months},
            ).values_list("practice_id", "period_start", "number")
        }
    numbers = {}
    for entry in entries:
        number = None
        if entry["kind"] in FEE_LEDGER_KINDS:
            number = invoices.get((entry["practice_id"], month_of(entry["occurred_at"])))
        number = number or by_movement.get(entry["provider_reference"])
        if number:
            numbers[entry["pk"]] = number
    return numbers
