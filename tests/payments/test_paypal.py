"""PayPal's REST API (coaching/payments/providers/paypal.py), faked at the HTTP level: the order
pays the coach with SofaDoc's fee riding along, every call carries its own idempotency key, and
the capture's fees are read back from PayPal's answer."""

import json
from decimal import Decimal

import pytest

from tests.bookings.fixtures import held_with_order, paid_booking

pytestmark = pytest.mark.django_db


def test_the_order_pays_the_coach_with_sofadocs_fee_and_its_own_request_id(
    session_type, client_user, paypal, frozen, settings
):
    settings.PAYPAL_PARTNER_ATTRIBUTION_ID = "SofaDoc_SP_PPCP"

    booking = held_with_order(client=client_user, session_type=session_type)

    [create] = paypal.created_orders()
    sent = json.loads(create.body)
    unit = sent["purchase_units"][0]
    assert sent["intent"] == "CAPTURE"
    assert unit["amount"] == {"currency_code": "EUR", "value": "80.00"}
    assert unit["invoice_id"] == unit["custom_id"] == booking.reference
    assert create.headers["PayPal-Request-Id"] == f"sofadoc-order-{booking.reference}-1"
    assert create.headers["PayPal-Partner-Attribution-Id"] == "SofaDoc_SP_PPCP"
    # The coach is paid, SofaDoc's fee (5 % of 80 €) rides along as the platform fee.
    merchant_id = session_type.practice.merchant_account.merchant_id
    assert unit["payee"] == {"merchant_id": merchant_id}
    assert unit["payment_instruction"]["platform_fees"] == [
        {"amount": {"currency_code": "EUR", "value": "4.00"}}
    ]
    context = sent["payment_source"]["paypal"]["experience_context"]
    assert context["shipping_preference"] == "NO_SHIPPING"
    assert context["landing_page"] == "GUEST_CHECKOUT"


def test_the_capture_carries_its_request_id_and_reads_the_fees_back(
    session_type, client_user, paypal, frozen
):
    booking = paid_booking(paypal, client=client_user, session_type=session_type)

    payment = booking.payments.get()
    [capture] = paypal.requests_to("/capture")
    assert capture.headers["PayPal-Request-Id"] == f"sofadoc-capture-{payment.order_id}"
    assert payment.capture_id.startswith("CAPTURE")
    assert payment.paypal_fee == Decimal("2.34") and payment.net_amount == Decimal("73.66")
