from datetime import date

from celery import shared_task
from django.utils import timezone

from coaching.billing.periods import BOOKS_ZONE, previous_month
from coaching.billing.services import (
    documents_issue_missing,
    documents_purge_expired,
    fee_invoices_issue_month,
)


@shared_task(name="billing.issue_fee_invoices")
def issue_fee_invoices(month: str | None = None) -> dict[str, int]:
    """On the 1st: last month's fee invoices (safe to run again: issues only what is missing).
    An operator may name another month ("2026-10-01") to catch one up."""
    if month:
        first = date.fromisoformat(month)
    else:
        first = previous_month(timezone.localdate(timezone=BOOKS_ZONE))
    return fee_invoices_issue_month(month=first)


@shared_task(name="billing.issue_missing_documents")
def issue_missing_documents() -> int:
    return documents_issue_missing()


@shared_task(name="billing.purge_expired_documents")
def purge_expired_documents() -> int:
    return documents_purge_expired()
