"""Nightly: yesterday's ledger against PayPal's transaction search, per connected seller.

Compared are the movements PayPal reports in the seller's account: captures (gross and PayPal
fee, reference = capture id) and refunds (gross and fee returned, reference = refund id). Every
difference becomes a ReconciliationDifference row (unique per day, reference and description,
so a second run adds nothing) and staff get one e-mail listing the new ones. Nothing is corrected
here: a person decides, and a correction is a new ledger row.

PayPal's reporting lags up to three hours and a movement near midnight may carry PayPal's time
rather than ours: the search window is widened by two hours on each side, and a PayPal
transaction we have on any day is not a difference. One seller's failed search is listed in the
e-mail and does not stop the others.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from celery import shared_task
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from coaching.payments.models import (
    LedgerEntry,
    LedgerKind,
    MerchantAccount,
    ReconciliationDifference,
)
from coaching.payments.onboarding import partner_for
from coaching.payments.providers.paypal_partner import PartnerError, Transaction
from coaching.payments.staff_mail import staff_mail_queue

logger = logging.getLogger(__name__)

MARGIN = timedelta(hours=2)
GROSS_KINDS = (LedgerKind.CAPTURE_GROSS, LedgerKind.REFUND_GROSS)
FEE_KINDS = (LedgerKind.PAYPAL_FEE, LedgerKind.REFUND_PAYPAL_FEE)
# Transaction event codes of payments received (T00xx) and refunds (T1107).
COMPARED_CODES = ("T00", "T1107")

if TYPE_CHECKING:
    from sofadoc.accounts.models import User


@dataclass
class Movement:
    amount: Decimal = Decimal("0.00")
    fee: Decimal = Decimal("0.00")
    currency: str = ""


@dataclass
class Outcome:
    differences: list[ReconciliationDifference]
    failed_merchants: list[str]


def _ours(day_start: datetime, day_end: datetime) -> dict[str, dict[str, Movement]]:
    """{merchant id: {reference: movement}} of the day's captures and refunds in the ledger."""
    rows = LedgerEntry.objects.filter(
        occurred_at__gte=day_start,
        occurred_at__lt=day_end,
        kind__in=GROSS_KINDS + FEE_KINDS,
    ).values_list(
        "practice__merchant_account__merchant_id",
        "provider_reference",
        "kind",
        "amount",
        "currency",
    )
    found: dict[str, dict[str, Movement]] = {}
    for merchant_id, reference, kind, amount, currency in rows:
        movement = found.setdefault(merchant_id or "", {}).setdefault(reference, Movement())
        movement.currency = currency
        if kind in GROSS_KINDS:
            movement.amount += amount
        else:
            movement.fee += amount
    return found


def _theirs(transactions: list[Transaction]) -> dict[str, Movement]:
    return {
        t.transaction_id: Movement(amount=t.amount, fee=t.fee, currency=t.currency)
        for t in transactions
        if t.event_code.startswith(COMPARED_CODES) and t.status != "D"
    }


def _compare(ours: dict[str, Movement], theirs: dict[str, Movement], known: set[str]):
    """Yield (reference, description, ledger amount, PayPal amount, currency)."""
    for reference, mine in sorted(ours.items()):
        paypal = theirs.get(reference)
        if paypal is None:
            yield reference, "missing at PayPal", mine.amount, None, mine.currency
            continue
        if paypal.currency != mine.currency:
            description = f"currency differs ({paypal.currency})"
            yield reference, description, mine.amount, None, mine.currency
        elif paypal.amount != mine.amount:
            yield reference, "amount differs", mine.amount, paypal.amount, mine.currency
        if paypal.currency == mine.currency and paypal.fee != mine.fee:
            yield reference, "PayPal fee differs", mine.fee, paypal.fee, mine.currency
    for reference, paypal in sorted(theirs.items()):
        if reference not in ours and reference not in known:
            yield reference, "missing in our ledger", None, paypal.amount, paypal.currency


def reconcile_day(*, day: date) -> Outcome:
    """Compare `day` (UTC) for every seller with ledger rows that day or a connected account.

    Remote calls run outside any transaction; the differences are written per seller.
    """
    start = datetime.combine(day, time.min, tzinfo=UTC)
    end = start + timedelta(days=1)
    ours_by_merchant = _ours(start, end)
    accounts = list(
        MerchantAccount.objects.filter(merchant_id__isnull=False)
        .filter(Q(merchant_id__in=list(ours_by_merchant)) | Q(status="active"))
        .only("merchant_id", "provider")
    )
    outcome = Outcome(differences=[], failed_merchants=[])
    for account in accounts:
        try:
            found = partner_for(account.provider).search_transactions(
                merchant_id=account.merchant_id, start=start - MARGIN, end=end + MARGIN
            )
        except PartnerError as error:
            logger.warning("transaction search for %s failed: %s", account.merchant_id, error)
            outcome.failed_merchants.append(account.merchant_id)  # type: ignore[arg-type]
            continue
        ours = ours_by_merchant.get(account.merchant_id, {})  # type: ignore[arg-type]
        theirs = _theirs(found)
        unknown_refs = [ref for ref in theirs if ref not in ours]
        known = set(
            LedgerEntry.objects.filter(provider_reference__in=unknown_refs).values_list(
                "provider_reference", flat=True
            )
        )
        with transaction.atomic():
            for reference, description, ledger, paypal, currency in _compare(ours, theirs, known):
                difference, created = ReconciliationDifference.objects.get_or_create(
                    day=day,
                    provider_reference=reference[:64],
                    description=f"{account.merchant_id}: {description}"[:255],
                    defaults={
                        "ledger_amount": ledger,
                        "provider_amount": paypal,
                        "currency": currency or "EUR",
                    },
                )
                if created:
                    outcome.differences.append(difference)
    unmatched = ours_by_merchant.get("", {})
    if unmatched:  # ledger rows of a practice without a merchant id: nobody to ask
        with transaction.atomic():
            for reference, movement in unmatched.items():
                difference, created = ReconciliationDifference.objects.get_or_create(
                    day=day,
                    provider_reference=reference[:64],
                    description="practice has no PayPal merchant id",
                    defaults={"ledger_amount": movement.amount, "currency": movement.currency},
                )
                if created:
                    outcome.differences.append(difference)
    if outcome.differences or outcome.failed_merchants:
        with transaction.atomic():
            _mail_staff(day, outcome)
    return outcome


def _mail_staff(day: date, outcome: Outcome) -> None:
    staff_mail_queue(
        kind="reconciliation_staff",
        facts={
            "day": f"{day:%Y-%m-%d}",
            "differences": [
                f"{d.provider_reference}: {d.description} (ledger {d.ledger_amount}, "
                f"PayPal {d.provider_amount} {d.currency})"
                for d in outcome.differences
            ],
            "failed_merchants": list(outcome.failed_merchants),
        },
    )


def reconciliation_difference_resolve(
    *, difference_id: int, actor: User, resolution: str
) -> ReconciliationDifference:
    """Staff explain a difference (no ledger change; a correction would be its own row).
    Resolving twice keeps the first explanation."""
    if not actor.is_staff:
        raise PermissionDenied
    with transaction.atomic():
        difference = ReconciliationDifference.objects.select_for_update().get(pk=difference_id)
        if difference.resolved_at is None:
            difference.resolved_at = timezone.now()
            difference.resolution = f"{resolution} ({actor.email})"[:255]
            difference.save(update_fields=["resolved_at", "resolution"])
    return difference


@shared_task(name="payments.reconcile_yesterday")
def reconcile_yesterday() -> int:
    """Nightly (beat, 04:30 UTC): yesterday in UTC. Safe to run twice."""
    yesterday = (timezone.now() - timedelta(days=1)).date()
    return len(reconcile_day(day=yesterday).differences)
