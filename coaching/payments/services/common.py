"""What the payments services share: the refusal they raise, calling the selling apps' hooks,
and announcing what moved after commit."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from coaching.payments.kinds import kind_for
from coaching.payments.models import Purchase
from coaching.payments.signals import MoneyEvent, announce
from sofadoc.errors import ShownError


class PaymentRefused(ShownError):
    """A request about money we refuse, and nothing changed; `message` can be shown."""


def call_hooks(purchase: Purchase, hook: str, *, line=None, **kwargs) -> None:
    """Tell the app that sold each line (kinds.py), or only `line`'s when the movement concerns
    that line alone. Runs inside the caller's transaction, so the selling app's change commits or
    rolls back with the money."""
    for each in [line] if line is not None else purchase.lines.all():
        getattr(kind_for(each.kind), hook)(line=each, **kwargs)


def announce_on_commit(
    kind: str, *, purchase: Purchase, ledger_entry_ids: Sequence[int] = (), line_id=None
) -> None:
    event = MoneyEvent(
        kind=kind,
        purchase_id=purchase.pk,
        ledger_entry_ids=tuple(ledger_entry_ids),
        line_id=line_id,
        practice_id=purchase.practice_id,
    )
    transaction.on_commit(lambda: announce(event))
