"""Whether a practice can take payments, asked of the app that knows (payments).

Practices must not import the apps above it, so payments registers its answer here from its
AppConfig.ready(), the way bookings reports busy time (`busy.py`):

    register_payment_gate(practices_taking_payments)   # (practice_ids) -> set of ids

The checklist turns it into the "Connect PayPal" step (required once a paid session type is
offered), publishing is refused while it is missing, and bookings refuse paid sessions of a
practice that cannot take payments (for instance after the coach withdrew PayPal's permission).
With no gate registered every practice may take payments (the app stands alone in its tests).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

PaymentGate = Callable[[Iterable[int]], set[int]]

_gates: list[PaymentGate] = []


def register_payment_gate(gate: PaymentGate) -> PaymentGate:
    if gate not in _gates:
        _gates.append(gate)
    return gate


def payment_gate_registered() -> bool:
    return bool(_gates)


def practices_taking_payments(practice_ids: Iterable[int]) -> set[int]:
    """The ids among `practice_ids` whose payments can be received (all, with no gate)."""
    ids = set(practice_ids)
    for gate in _gates:
        ids &= gate(ids)
    return ids


def practice_takes_payments(*, practice_id: int) -> bool:
    return practice_id in practices_taking_payments([practice_id])


__all__ = [
    "payment_gate_registered",
    "practice_takes_payments",
    "practices_taking_payments",
    "register_payment_gate",
]
