"""Personal data in payments. Purchases, payments and ledger rows are accounting records, kept for
the legal period (§ 147 AO, § 14b UStG) after an erasure; what identifies the buyer is removed."""

from privacy.registry import Erase, PersonalData, not_personal, register

register(
    PersonalData(
        "payments.Purchase",
        subject="buyer",
        fields=[
            "total",
            "currency",
            "platform_fee",
            "billing_name",
            "billing_address",
            "created_at",
        ],
        erase=Erase.KEEP,
        anonymise={"buyer": None, "billing_name": "", "billing_address": ""},
        order=300,
    ),
    PersonalData(
        "payments.PurchaseLine",
        subject="purchase__buyer",
        fields=["kind", "description", "service_date", "quantity", "amount", "currency"],
        erase=Erase.KEEP,  # amounts and the session's name only
        order=300,
    ),
)
not_personal(
    "payments.MerchantAccount",
    "payments.LedgerEntry",
    "payments.Dispute",
    "payments.ReconciliationDifference",
    reason="amounts, provider ids and a coach's business account state: no person is named",
)
