"""Demo data for packages: the demo coach sells five sessions of their first session type for
the price of four and a half, valid for six months, unused ones refunded pro rata. The demo
client buys it through the PayPal sandbox twin like a single session (README, "What the demo
shows"). A coupon WILLKOMMEN10 takes 10 % off anything of that coach, 100 times."""

from __future__ import annotations

from decimal import Decimal

from coaching.packages.models import Coupon, CouponKind, ExpiryRule, Package
from coaching.practices.models import Practice


def seed(*, practice: Practice) -> Package | None:
    session_type = practice.session_types.filter(is_active=True).first()
    if session_type is None:
        return None
    package, _created = Package.objects.get_or_create(
        practice=practice,
        name="Fünferkarte",
        defaults={
            "session_type": session_type,
            "sessions": 5,
            "price": (session_type.price * Decimal("4.5")).quantize(Decimal("1")),
            "validity_days": 180,
            "expiry_rule": ExpiryRule.REFUND,
        },
    )
    Coupon.objects.get_or_create(
        practice=practice,
        code="WILLKOMMEN10",
        defaults={"kind": CouponKind.PERCENT, "value": Decimal("10"), "max_uses": 100},
    )
    return package
