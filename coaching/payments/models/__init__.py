"""Money that moves (see `core.py`); Payment, Refund, WebhookEvent and FeeOverride live in
`payments.py`, one noun per file. Both are imported here so Django registers them with this app
and the rest of the code imports from `coaching.payments.models`."""

from coaching.payments.models.core import (
    CENT,
    Dispute,
    DisputeStatus,
    LedgerEntry,
    LedgerKind,
    MerchantAccount,
    MerchantStatus,
    PaymentStatus,
    Purchase,
    PurchaseLine,
    ReconciliationDifference,
)
from coaching.payments.models.payments import (
    FeeOverride,
    Payment,
    Refund,
    RefundStatus,
    WebhookEvent,
)

__all__ = [
    "CENT",
    "Dispute",
    "DisputeStatus",
    "FeeOverride",
    "LedgerEntry",
    "LedgerKind",
    "MerchantAccount",
    "MerchantStatus",
    "Payment",
    "PaymentStatus",
    "Purchase",
    "PurchaseLine",
    "ReconciliationDifference",
    "Refund",
    "RefundStatus",
    "WebhookEvent",
]
