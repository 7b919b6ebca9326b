"""Billing's write side: documents in the coach's name, SofaDoc's fee invoices, retention."""

from coaching.billing.services.fee_invoices import fee_invoice_issue, fee_invoices_issue_month
from coaching.billing.services.receipts import (
    DocumentMismatch,
    billing_details_required,
    line_moved_document_issue,
    receipt_issue,
    refund_document_issue,
)
from coaching.billing.services.retention import documents_issue_missing, documents_purge_expired

__all__ = [
    "DocumentMismatch",
    "billing_details_required",
    "documents_issue_missing",
    "documents_purge_expired",
    "fee_invoice_issue",
    "fee_invoices_issue_month",
    "line_moved_document_issue",
    "receipt_issue",
    "refund_document_issue",
]
