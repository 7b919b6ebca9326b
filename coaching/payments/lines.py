"""What a purchase line is before it is stored: services.purchases builds purchases from it,
discounts.py lowers it (both import it from here, neither from the other)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal


@dataclass(frozen=True)
class LineSpec:
    kind: str  # a registered PurchaseKind ("booking")
    object_id: int
    description: str
    amount: Decimal
    currency: str = "EUR"
    service_date: datetime | None = None
    quantity: int = 1
    # What is sold, for a discount source to match ("session_type:12", "package:4"); not stored.
    offer_keys: tuple[str, ...] = ()
