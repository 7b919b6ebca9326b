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
        # After the lines, payments and refunds found through `buyer` (cleared here).
        order=310,
    ),
    PersonalData(
        "payments.PurchaseLine",
        subject=("purchase__buyer", "purchase__practice__owner"),
        fields=["kind", "description", "service_date", "quantity", "amount", "currency"],
        erase=Erase.KEEP,  # amounts and the session's name only
        # The session's name is the coach's wording and may name either side.
        redact=["description"],
        order=300,
    ),
    PersonalData(
        "payments.Payment",
        subject="purchase__buyer",
        fields=[
            "purchase__reference",
            "order_id",
            "capture_id",
            "status",
            "amount",
            "currency",
            "captured_at",
        ],
        erase=Erase.KEEP,  # no personal fields: ids and amounts only
        order=300,
    ),
    PersonalData(
        "payments.Refund",
        subject=("payment__purchase__buyer", "payment__purchase__practice__owner"),
        fields=["payment__purchase__reference", "amount", "currency", "status", "created_at"],
        erase=Erase.KEEP,
        redact=["reason"],  # staff may have named the person when refunding
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
not_personal(
    "payments.WebhookEvent",
    reason="PayPal events are stored without payer and payee (webhooks._without_personal_data)",
)
not_personal(
    "payments.FeeOverride",
    reason="a practice's fee rate, set by staff: business terms, no person is named",
)
