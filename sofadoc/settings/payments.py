"""Money: booking holds, PayPal (mode, credentials, partner ids), SofaDoc's fee, and SofaDoc as
the issuer of its monthly fee invoices."""

from decimal import Decimal

from sofadoc.settings.environment import env

# --- Bookings and PayPal ----------------------------------------------------------------------
BOOKING_HOLD_MINUTES = env.int("BOOKING_HOLD_MINUTES", default=15)
PAYPAL_CLIENT_ID = env("PAYPAL_CLIENT_ID", default="")
PAYPAL_CLIENT_SECRET = env("PAYPAL_CLIENT_SECRET", default="")
PAYPAL_WEBHOOK_ID = env("PAYPAL_WEBHOOK_ID", default="")
# twin: the local stand-in (demo, no credentials); sandbox / live: PayPal's REST API.
PAYPAL_MODE = env("PAYPAL_MODE", default="sandbox" if PAYPAL_CLIENT_ID else "twin")
# The twin takes no money; outside DEBUG it runs only when explicitly allowed (staging demos).
PAYPAL_TWIN_ALLOWED = env.bool("PAYPAL_TWIN_ALLOWED", default=False)
# Our PayPal partner attribution id (BN code), sent with every order and capture.
PAYPAL_PARTNER_ATTRIBUTION_ID = env("PAYPAL_PARTNER_ATTRIBUTION_ID", default="")
# SofaDoc's fee per payment: percent of the price plus a fixed amount (staff override per
# practice in the admin, "Fee overrides"). Decided when the client goes to pay.
PAYMENTS_FEE_PERCENT = Decimal(env("PAYMENTS_FEE_PERCENT", default="5.00"))
PAYMENTS_FEE_FIXED = Decimal(env("PAYMENTS_FEE_FIXED", default="0.00"))
# SofaDoc's own merchant id as PayPal partner: merchant-integration status is read under it.
PAYPAL_PARTNER_MERCHANT_ID = env("PAYPAL_PARTNER_MERCHANT_ID", default="")

# --- Billing (documents; SofaDoc as the issuer of its monthly fee invoices) -------------------
BILLING_ISSUER_NAME = env("BILLING_ISSUER_NAME", default="SofaDoc GmbH")
BILLING_ISSUER_ADDRESS = env(
    "BILLING_ISSUER_ADDRESS", default="Musterstraße 12\n10115 Berlin\nDeutschland"
).replace("\\n", "\n")
BILLING_ISSUER_VAT_ID = env("BILLING_ISSUER_VAT_ID", default="DE000000000")
BILLING_ISSUER_TAX_NUMBER = env("BILLING_ISSUER_TAX_NUMBER", default="30/000/00000")
BILLING_ISSUER_EMAIL = env("BILLING_ISSUER_EMAIL", default="rechnung@sofadoc.com")
