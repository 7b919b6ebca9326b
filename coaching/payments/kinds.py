"""What a purchase line *is* lives in the app that sells it; payments only knows the kind's name.

The selling app registers a handler from its AppConfig.ready(), the way bookings reports busy time
to practices (`coaching/practices/busy.py`):

    register_kind(PurchaseKind(name="booking", on_paid=..., on_payment_failed=..., on_refunded=...))

Each hook takes keyword-only `line` (a PurchaseLine) and runs inside the payments transaction that
caused it (so the selling app's state changes commit or roll back with the money). Further
keywords (accept **kwargs): on_paid gets `payment` and `actor` (None for webhook and reconciler);
on_payment_failed `payment`, `reason`; on_refunded `payment`, `refund`, `amount`, `external`
(True for a refund made at PayPal directly); on_reversed `payment`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

Hook = Callable[..., None]


def _nothing(**kwargs) -> None:
    return None


@dataclass(frozen=True)
class PurchaseKind:
    name: str
    on_paid: Hook = _nothing  # the capture completed
    on_payment_failed: Hook = _nothing  # declined, denied or abandoned
    on_refunded: Hook = _nothing  # a refund completed (also partial: amount= keyword)
    on_reversed: Hook = _nothing  # a chargeback or reversal took the money back


_kinds: dict[str, PurchaseKind] = {}


def register_kind(kind: PurchaseKind) -> PurchaseKind:
    """Register once; a second registration of the same name replaces the first (test reloads)."""
    _kinds[kind.name] = kind
    return kind


def kind_for(name: str) -> PurchaseKind:
    try:
        return _kinds[name]
    except KeyError:
        raise LookupError(f"No purchase kind {name!r} is registered") from None


__all__ = ["PurchaseKind", "kind_for", "register_kind"]
