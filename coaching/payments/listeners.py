"""Who hears about money after it moved: billing issues documents, notifications tell people.

payments must not import the apps above it, so they subscribe here from AppConfig.ready():

    subscribe(on_money_event)

`announce()` is called by the payments services *after commit* with the ledger rows that were
written; each subscriber runs on its own, and one failing subscriber is logged without stopping
the others (the ledger is already the record, a document can be issued by a later scan).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class MoneyEvent:
    # "captured", "refunded", "reversed", "dispute_opened", "dispute_resolved",
    # "line_rescheduled", "merchant_revoked"
    kind: str
    purchase_id: int | None = None
    ledger_entry_ids: Sequence[int] = field(default_factory=tuple)
    line_id: int | None = None
    practice_id: int | None = None


Listener = Callable[[MoneyEvent], None]
_listeners: list[Listener] = []


def subscribe(listener: Listener) -> Listener:
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def announce(event: MoneyEvent) -> None:
    for listener in list(_listeners):
        try:
            listener(event)
        except Exception:
            logger.exception("Money listener %s failed for %s", listener, event)


__all__ = ["MoneyEvent", "announce", "subscribe"]
