"""Packages are sold as purchase lines of kind "package" (coaching/payments/kinds.py): paying
grants the credits, a failed or abandoned payment releases the hold, a reversal revokes what is
left. Each hook runs inside the payments transaction."""

from __future__ import annotations

from typing import Any

from coaching.packages.services import (
    client_package_activate,
    client_package_release,
    client_package_revoke,
)
from coaching.payments.kinds import PurchaseKind, register_kind
from coaching.payments.models import PurchaseLine


def on_paid(*, line: PurchaseLine, **kwargs: Any) -> None:
    client_package_activate(client_package_id=line.object_id)


def on_payment_failed(*, line: PurchaseLine, **kwargs: Any) -> None:
    client_package_release(client_package_id=line.object_id)


def on_reversed(*, line: PurchaseLine, **kwargs: Any) -> None:
    client_package_revoke(client_package_id=line.object_id)


def register() -> None:
    register_kind(
        PurchaseKind(
            name="package",
            on_paid=on_paid,
            on_payment_failed=on_payment_failed,
            on_reversed=on_reversed,
        )
    )
