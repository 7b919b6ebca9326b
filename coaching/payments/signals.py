"""What payments tells the apps above it after money moved. Sent after commit with the ledger
rows that were written; a failing receiver is logged without stopping the others (the ledger is
already the record: billing's scan issues a missed document later).

One signal, every receiver listed here (tests/test_signals.py keeps the list true):

money_moved   → coaching.billing.receivers.money_moved_issue_documents
              → coaching.notifications.receivers.money_moved_notify
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.dispatch import Signal

from sofadoc.events import event_send


@dataclass(frozen=True)
class MoneyEvent:
    # "captured", "refunded", "reversed", "dispute_opened", "dispute_resolved",
    # "line_rescheduled", "merchant_revoked"
    kind: str
    purchase_id: int | None = None
    ledger_entry_ids: Sequence[int] = field(default_factory=tuple)
    line_id: int | None = None
    practice_id: int | None = None


money_moved = Signal()  # receivers get `event` (a MoneyEvent)


def announce(event: MoneyEvent) -> None:
    """Called by the payments services after commit."""
    event_send(money_moved, sender="payments", event=event)
