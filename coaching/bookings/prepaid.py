"""Bookings paid for by something other than their own purchase (a package credit).

bookings must not import the apps above it, so they plug in here from AppConfig.ready(), the way
payments' kinds.py lets them sell: `register_prepaid(on_cancelled)`. `booking_cancel` calls each
listener inside its transaction, with the booking row locked, so a credit is given back (or kept
as used, after the free window) together with the cancellation, never apart from it.

    on_cancelled(*, booking, refund_due: bool, role: str) -> bool

returns True when it settled the booking (it was prepaid); nothing else then needs refunding.
"""

from __future__ import annotations

from collections.abc import Callable

Listener = Callable[..., bool]
_listeners: list[Listener] = []


def register_prepaid(on_cancelled: Listener) -> Listener:
    if on_cancelled not in _listeners:
        _listeners.append(on_cancelled)
    return on_cancelled


def prepaid_cancelled(*, booking, refund_due: bool, role: str) -> bool:
    """Tell the prepaid sources a booking was cancelled; True if one of them had paid for it."""
    settled = False
    for listener in _listeners:
        settled = listener(booking=booking, refund_due=refund_due, role=role) or settled
    return settled


__all__ = ["prepaid_cancelled", "register_prepaid"]
