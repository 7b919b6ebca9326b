"""The payments services: purchases, orders and captures, refunds and reversals.

Each takes keyword-only arguments, runs in `transaction.atomic()` (callers' entry points are
durable), re-reads the payment under lock before changing money, tells the selling apps through
their kind hooks inside the transaction and announces a MoneyEvent after commit.
"""

from coaching.payments.lines import LineSpec
from coaching.payments.services.checkout import (
    payment_cancel,
    payment_capture,
    payment_fail,
    payment_reconcile_open,
    payment_start,
)
from coaching.payments.services.common import PaymentRefused
from coaching.payments.services.purchases import purchase_create, purchase_line_reschedule
from coaching.payments.services.refunds import (
    payment_reverse,
    refund_issue,
    refund_record_external,
)

__all__ = [
    "LineSpec",
    "PaymentRefused",
    "payment_cancel",
    "payment_capture",
    "payment_fail",
    "payment_reconcile_open",
    "payment_reverse",
    "payment_start",
    "purchase_create",
    "purchase_line_reschedule",
    "refund_issue",
    "refund_record_external",
]
