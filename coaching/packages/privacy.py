"""Personal data in packages and series. A client package and a series are tied to money records
(kept for the legal period, § 147 AO); when the client erases their account they stay without
them. Credit entries name no person (the client is on the client package only), so the
append-only ledger never has to change."""

from privacy.registry import Erase, PersonalData, register

register(
    PersonalData(
        "packages.ClientPackage",
        subject=("client", "practice__owner"),
        fields=[
            "reference",
            "name",
            "sessions",
            "price",
            "currency",
            "state",
            "created_at",
            "activated_at",
            "expires_at",
            "practice__name",
        ],
        erase=Erase.KEEP,
        anonymise={"client": None},
        redact=["name"],  # the coach's wording may name either side
        order=320,
    ),
    PersonalData(
        "packages.CreditEntry",
        subject=("client_package__client", "client_package__practice__owner"),
        fields=["client_package__reference", "kind", "delta", "booking__reference", "created_at"],
        erase=Erase.KEEP,  # no personal fields: counts and references only
        order=300,
    ),
    PersonalData(
        "packages.BookingSeries",
        subject=("client", "practice__owner"),
        fields=["reference", "interval_weeks", "count", "created_at", "practice__name"],
        erase=Erase.KEEP,
        anonymise={"client": None},
        order=320,
    ),
    PersonalData(
        "packages.CouponUse",
        subject=("client", "coupon__practice__owner"),
        fields=["coupon__code", "amount", "currency", "created_at", "purchase__reference"],
        erase=Erase.KEEP,  # part of a purchase's money record (§ 147 AO)
        anonymise={"client": None},
        order=320,
    ),
    PersonalData(
        "packages.Coupon",
        subject="practice__owner",
        fields=["code", "kind", "value", "max_uses", "valid_from", "valid_until", "is_active"],
        erase=Erase.KEEP,  # named on receipts that are kept; it names no client
        order=330,
    ),
    PersonalData(
        "packages.Package",
        subject="practice__owner",
        fields=["name", "sessions", "price", "currency", "validity_days", "expiry_rule"],
        erase=Erase.KEEP,  # the offer sold packages whose records are kept; it names no client
        redact=["name"],  # the coach's wording may name themselves
        order=330,
    ),
)
