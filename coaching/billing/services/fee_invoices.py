"""SofaDoc's monthly invoice to each coach for its platform fees (a Factur-X e-invoice).

Computed from the ledger: last month's PLATFORM_FEE rows less the fee SofaDoc gave back with
refunds (REFUND_PLATFORM_FEE). The fee PayPal withheld is gross: SofaDoc's price includes 19 %
VAT, so the invoice shows the net and the VAT it contains, and nothing is left to pay.

One invoice per coach and month, whatever happens: each is written in its own transaction under
a lock on the practice row, and a unique constraint on (practice, month) backs that up, so a
second run or a run that died halfway issues only what is missing.
"""

from __future__ import annotations

import logging
from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Sum
from django.utils import formats, timezone, translation
from django.utils.translation import ngettext_lazy

from coaching.billing.models import SOFADOC_ISSUER, Document, DocumentKind
from coaching.billing.periods import month_bounds
from coaching.billing.services.documents import LineDraft, document_write
from coaching.billing.tax import VAT_RATE
from coaching.payments.models import LedgerEntry, LedgerKind
from coaching.practices.models import Practice, TaxTreatment
from sofadoc.mail import mail_queue

logger = logging.getLogger(__name__)

FEE_KINDS = (LedgerKind.PLATFORM_FEE, LedgerKind.REFUND_PLATFORM_FEE)


def _month_name(month: date) -> str:
    return formats.date_format(month, "F Y")


def fee_invoice_issue(*, practice_id: int, month: date) -> Document | None:
    """The fee invoice of one coach for one month: the existing one, a new one, or None when the
    month has no fee rows. Runs in its own transaction (an entry point of the monthly task)."""
    month = month.replace(day=1)
    start, end = month_bounds(month)
    with transaction.atomic(durable=True):
        practice = (
            Practice.objects.select_for_update(of=("self",))
            .select_related("owner")
            .get(pk=practice_id)
        )
        existing = Document.objects.filter(
            kind=DocumentKind.FEE_INVOICE, practice=practice, period_start=month
        ).first()
        if existing:
            return existing
        sums = {
            row["kind"]: row
            for row in LedgerEntry.objects.filter(
                practice=practice, kind__in=FEE_KINDS, occurred_at__gte=start, occurred_at__lt=end
            )
            .values("kind")
            .annotate(total=Sum("amount"), count=Count("pk"))
        }
        if not sums:
            return None
        with translation.override("de"):
            lines = _fee_lines(sums, month)
        return document_write(
            kind=DocumentKind.FEE_INVOICE,
            practice=practice,
            source_key=f"fees:{practice.pk}:{month:%Y-%m}",
            period_start=month,
            issued_at=timezone.now(),
            issuer_key=SOFADOC_ISSUER,
            issuer_name=settings.BILLING_ISSUER_NAME,
            issuer_address=settings.BILLING_ISSUER_ADDRESS,
            issuer_tax_number=settings.BILLING_ISSUER_TAX_NUMBER,
            issuer_vat_id=settings.BILLING_ISSUER_VAT_ID,
            tax_treatment=TaxTreatment.VAT,
            vat_rate=VAT_RATE,
            recipient_user=practice.owner,
            recipient_name=practice.billing_name or practice.name,
            recipient_address=practice.billing_address,
            recipient_vat_id=practice.vat_id,
            recipient_required=True,  # an invoice between businesses names both (§ 14 UStG)
            currency="EUR",
            lines=lines,
        )


# One invoice line per ledger kind: its wording (plural by "count") and its sign on the invoice.
FEE_LINES = (
    (
        LedgerKind.PLATFORM_FEE,
        ngettext_lazy(
            "SofaDoc fees for %(count)d payment in %(month)s",
            "SofaDoc fees for %(count)d payments in %(month)s",
            "count",
        ),
        1,
    ),
    (
        LedgerKind.REFUND_PLATFORM_FEE,
        ngettext_lazy(
            "SofaDoc fees returned with %(count)d refund in %(month)s",
            "SofaDoc fees returned with %(count)d refunds in %(month)s",
            "count",
        ),
        -1,
    ),
)


def _fee_lines(sums: dict, month: date) -> list[LineDraft]:
    lines = []
    for kind, wording, sign in FEE_LINES:
        row = sums.get(kind)
        if row:
            description = wording % {"count": row["count"], "month": _month_name(month)}
            lines.append(LineDraft(description=description, gross=sign * abs(row["total"])))
    return lines


def fee_invoices_issue_month(*, month: date) -> dict[str, int]:
    """Issue every coach's fee invoice for `month` that is missing, then tell the coaches.

    Each coach is its own transaction and its own failure: one bad practice is logged and the
    run carries on (running again issues what is missing and nothing twice).
    """
    month = month.replace(day=1)
    start, end = month_bounds(month)
    practice_ids = (
        LedgerEntry.objects.filter(kind__in=FEE_KINDS, occurred_at__gte=start, occurred_at__lt=end)
        .exclude(
            Exists(
                Document.objects.filter(
                    practice=OuterRef("practice_id"),
                    kind=DocumentKind.FEE_INVOICE,
                    period_start=month,
                )
            )
        )
        .values_list("practice_id", flat=True)
        .distinct()
        .order_by("practice_id")
    )
    issued = failed = 0
    for practice_id in list(practice_ids):
        try:
            if fee_invoice_issue(practice_id=practice_id, month=month):
                issued += 1
        except Exception:
            failed += 1
            logger.exception("Fee invoice for practice %s and %s failed", practice_id, month)
    return {"issued": issued, "failed": failed, "announced": fee_invoices_announce()}


def fee_invoices_announce(*, batch: int = 50) -> int:
    """E-mail each coach whose fee invoice they have not been told about yet, once.

    Claims a batch of rows with SKIP LOCKED, so two workers never both announce one; each mail
    is queued in the delivery log in the transaction that marks its invoice, so an invoice is
    announced exactly once (the log sends and retries it). One that cannot be queued stays
    unmarked for the next run.
    """
    announced = 0
    failed: set[int] = set()
    while True:
        with transaction.atomic(durable=True):
            claimed = list(
                Document.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("recipient_user")
                .filter(kind=DocumentKind.FEE_INVOICE, announced_at__isnull=True)
                .exclude(pk__in=failed)
                .order_by("pk")[:batch]
            )
            if not claimed:
                return announced
            done = []
            for document in claimed:
                user = document.recipient_user
                try:
                    if user is not None and user.email:
                        _send_fee_invoice_mail(document, user)
                    done.append(document.pk)
                except Exception:
                    failed.add(document.pk)
                    logger.exception("Fee invoice e-mail for document %s failed", document.pk)
            Document.objects.filter(pk__in=done).update(announced_at=timezone.now())
            announced += len(done)


def _send_fee_invoice_mail(document: Document, user) -> None:
    """Queued in the transaction that marks the invoice announced (sofadoc/mail.py); the
    worker attaches the PDF (kind `fee_invoice`, coaching/notifications/mail_kinds.py)."""
    mail_queue(kind="fee_invoice", key=f"feeinvoice:{document.pk}", user=user)
