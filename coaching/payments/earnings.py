"""The coach's earnings, read from the ledger only (never from bookings): per month, per payment,
and as one CSV row per money movement for a tax advisor.

Signs follow the ledger (money towards the coach is positive): fees and refunds are negative,
fees given back are positive. The payout is what reached the coach's PayPal balance: the NET
rows plus everything that moved afterwards (refunds net of returned fees, dispute holds and
releases, reversals, corrections).

Documents live in billing, which payments must not import; billing registers two small lookups
(`register_document_number_lookup`, `register_fee_invoice_lookup`) from its AppConfig.ready().
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count, Max, Min, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import formats, translation

from coaching.payments.models import LedgerEntry, LedgerKind, PurchaseLine
from coaching.practices.models import Practice

ZERO = Decimal("0.00")
K = LedgerKind
# Which ledger kinds make up each column of the page.
COLUMNS: dict[str, tuple[str, ...]] = {
    "gross": (K.CAPTURE_GROSS,),
    "paypal_fees": (K.PAYPAL_FEE, K.REFUND_PAYPAL_FEE),
    "platform_fees": (K.PLATFORM_FEE, K.REFUND_PLATFORM_FEE),
    "refunds": (K.REFUND_GROSS,),
    "disputes": (K.DISPUTE_HOLD, K.DISPUTE_RELEASE, K.REVERSAL, K.CORRECTION),
    "payout": (
        K.NET,
        K.REFUND_NET,
        K.DISPUTE_HOLD,
        K.DISPUTE_RELEASE,
        K.REVERSAL,
        K.CORRECTION,
    ),
}

# --- Hooks billing fills ----------------------------------------------------------------------
DocumentNumberLookup = Callable[[Sequence[int]], dict[int, str]]  # ledger entry ids -> number
FeeInvoiceLookup = Callable[..., str | None]  # (*, practice, month) -> URL of the fee invoice
_document_lookups: list[DocumentNumberLookup] = []
_fee_invoice_lookups: list[FeeInvoiceLookup] = []


def register_document_number_lookup(lookup: DocumentNumberLookup) -> DocumentNumberLookup:
    if lookup not in _document_lookups:
        _document_lookups.append(lookup)
    return lookup


def register_fee_invoice_lookup(lookup: FeeInvoiceLookup) -> FeeInvoiceLookup:
    if lookup not in _fee_invoice_lookups:
        _fee_invoice_lookups.append(lookup)
    return lookup


def document_numbers_for(entry_ids: Sequence[int]) -> dict[int, str]:
    numbers: dict[int, str] = {}
    for lookup in _document_lookups:
        numbers.update(lookup(entry_ids))
    return numbers


def fee_invoice_url(*, practice: Practice, month: date) -> str | None:
    for lookup in _fee_invoice_lookups:
        url = lookup(practice=practice, month=month)
        if url:
            return url
    return None


# --- The month --------------------------------------------------------------------------------
@dataclass(kw_only=True)
class Columns:
    """The page's money columns (COLUMNS), for one payment or the whole month."""

    gross: Decimal = ZERO
    paypal_fees: Decimal = ZERO
    platform_fees: Decimal = ZERO
    refunds: Decimal = ZERO
    disputes: Decimal = ZERO
    payout: Decimal = ZERO


@dataclass(kw_only=True)
class PaymentRow(Columns):
    purchase_id: int
    first_at: datetime
    description: str
    sessions: int
    currency: str


@dataclass(kw_only=True)
class MonthEarnings(Columns):
    month: date
    currency: str = "EUR"
    payments: list[PaymentRow] = field(default_factory=list)  # one page of them
    payment_count: int = 0
    page: int = 1
    pages: int = 1
    sessions: int = 0

    @property
    def previous_month(self) -> date:
        return (self.month.replace(day=1) - timedelta(days=1)).replace(day=1)

    @property
    def next_month(self) -> date:
        return (self.month.replace(day=28) + timedelta(days=4)).replace(day=1)


def month_bounds(month: date, zone: str) -> tuple[datetime, datetime]:
    """[first instant, first instant of the next month) of `month` in the practice's zone."""
    tz = ZoneInfo(zone)
    first = month.replace(day=1)
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return (
        datetime.combine(first, time.min, tzinfo=tz),
        datetime.combine(following, time.min, tzinfo=tz),
    )


def _first_line(field_name: str) -> Subquery:
    return Subquery(
        PurchaseLine.objects.filter(purchase_id=OuterRef("purchase_id"))
        .order_by("pk")
        .values(field_name)[:1]
    )


PER_PAGE = 50


def earnings_month(*, practice: Practice, month: date, page: int = 1) -> MonthEarnings:
    """The month's totals and one page of its payments (PER_PAGE, oldest first).

    Four queries whatever the month holds: the totals per column, the sessions paid, the page's
    payments summed per purchase in SQL, and their descriptions.
    """
    start, end = month_bounds(month, practice.time_zone)
    month_rows = LedgerEntry.objects.filter(
        practice=practice, occurred_at__gte=start, occurred_at__lt=end
    )
    sums = {
        name: Coalesce(Sum("amount", filter=Q(kind__in=kinds)), ZERO)
        for name, kinds in COLUMNS.items()
    }
    totals = month_rows.aggregate(
        payment_count=Count("purchase_id", distinct=True), currency=Max("currency"), **sums
    )
    result = MonthEarnings(
        month=month.replace(day=1),
        currency=totals["currency"] or "EUR",
        payment_count=totals["payment_count"],
        **{name: totals[name] for name in COLUMNS},
    )
    result.pages = max(1, -(-result.payment_count // PER_PAGE))
    result.page = min(max(page, 1), result.pages)
    # A session counts in the month its payment arrived, not when it was refunded.
    result.sessions = (
        PurchaseLine.objects.filter(
            purchase__in=month_rows.filter(kind=K.CAPTURE_GROSS).values("purchase_id")
        ).aggregate(n=Sum("quantity"))["n"]
        or 0
    )
    offset = (result.page - 1) * PER_PAGE
    rows = list(
        month_rows.values("purchase_id", "currency")
        .annotate(
            first_at=Min("occurred_at"),
            captured=Count("pk", filter=Q(kind=K.CAPTURE_GROSS)),
            **sums,
        )
        .order_by("first_at", "purchase_id")[offset : offset + PER_PAGE]
    )
    lines: dict[int, list] = {}
    if rows:
        for purchase_id, description, quantity in (
            PurchaseLine.objects.filter(purchase_id__in=[row["purchase_id"] for row in rows])
            .order_by("pk")
            .values_list("purchase_id", "description", "quantity")
        ):
            entry = lines.setdefault(purchase_id, [description, 0])
            entry[1] += quantity
    for row in rows:
        description, quantity = lines.get(row["purchase_id"], ["", 0])
        result.payments.append(
            PaymentRow(
                purchase_id=row["purchase_id"],
                first_at=row["first_at"],
                description=description,
                sessions=quantity if row["captured"] else 0,
                currency=row["currency"],
                **{name: row[name] for name in COLUMNS},  # type: ignore[literal-required]
            )
        )
    return result


# --- CSV for the tax advisor ------------------------------------------------------------------
CSV_HEADER = (
    "Datum",
    "Belegnummer",
    "Buchungsart",
    "Beschreibung",
    "Betrag",
    "Währung",
    "PayPal-Referenz",
    "Zahlung",
)


def _text_cell(text: str) -> str:
    """A coach's own words must not be read as a spreadsheet formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _decimal_comma(amount: Decimal) -> str:
    return f"{amount:.2f}".replace(".", ",")


def earnings_csv(*, practice: Practice, month: date) -> str:
    """Semicolon-separated, decimal comma, UTF-8 with BOM (what German accounting software
    imports): one row per ledger movement of the month, with its document number."""
    start, end = month_bounds(month, practice.time_zone)
    entries = list(
        LedgerEntry.objects.filter(practice=practice, occurred_at__gte=start, occurred_at__lt=end)
        .annotate(description=_first_line("description"))
        .values_list(
            "pk",
            "occurred_at",
            "kind",
            "description",
            "amount",
            "currency",
            "provider_reference",
            "purchase_id",
        )
        .order_by("occurred_at", "pk")
    )
    numbers = document_numbers_for([entry[0] for entry in entries])
    tz = ZoneInfo(practice.time_zone)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    with translation.override("de"):
        labels = {value: str(label) for value, label in LedgerKind.choices}
        for pk, occurred_at, kind, description, amount, currency, reference, purchase_id in entries:
            writer.writerow(
                (
                    formats.date_format(occurred_at.astimezone(tz).date(), "d.m.Y"),
                    numbers.get(pk, ""),
                    labels.get(kind, kind),
                    _text_cell(description or ""),
                    _decimal_comma(amount),
                    currency,
                    reference,
                    purchase_id,
                )
            )
    return out.getvalue()
