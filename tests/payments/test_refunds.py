"""Refunds come out of the coach's balance (PayPal-Auth-Assertion for their merchant id) and give
SofaDoc's fee back in proportion; bad input is refused and changes nothing."""

import base64
import json
from decimal import Decimal

import pytest

from coaching.payments.models import LedgerEntry, PaymentStatus, Refund, RefundStatus
from coaching.payments.services import PaymentRefused, refund_issue

pytestmark = pytest.mark.django_db


def assertion_payload(header: str) -> dict:
    head, payload, signature = header.split(".")
    assert json.loads(base64.urlsafe_b64decode(head + "==")) == {"alg": "none"}
    assert signature == ""  # unsigned, as PayPal documents
    return json.loads(base64.urlsafe_b64decode(payload + "=="))


def ledger_of(refund: Refund) -> dict:
    rows = LedgerEntry.objects.filter(provider_reference=refund.refund_id)
    return dict(rows.values_list("kind", "amount"))


def test_partial_refunds_on_the_coachs_behalf_return_the_fee_in_proportion(booking, paypal):
    payment = booking.payments.get()
    merchant_id = booking.practice.merchant_account.merchant_id
    assert payment.platform_fee == Decimal("4.00") and payment.payee_merchant_id == merchant_id

    first = refund_issue(payment=payment, amount=Decimal("30.00"), reason="goodwill")
    second = refund_issue(payment=payment, amount=Decimal("50.00"), reason="rest")

    calls = paypal.requests_to("/refund")
    assert [c.headers["PayPal-Request-Id"] for c in calls] == [
        f"sofadoc-refund-{payment.order_id}-1",
        f"sofadoc-refund-{payment.order_id}-2",
    ]
    for call in calls:
        assert call.url.endswith(f"/v2/payments/captures/{payment.capture_id}/refund")
        assert assertion_payload(call.headers["PayPal-Auth-Assertion"]) == {
            "iss": "test-client-id",
            "payer_id": merchant_id,
        }
    bodies = [json.loads(c.body) for c in calls]
    assert bodies[0]["amount"] == {"currency_code": "EUR", "value": "30.00"}
    # 30/80 of 4.00 = 1.50; the refund that empties the payment takes the rest: 2.50.
    assert bodies[0]["payment_instruction"]["platform_fees"] == [
        {"amount": {"currency_code": "EUR", "value": "1.50"}}
    ]
    assert bodies[1]["payment_instruction"]["platform_fees"] == [
        {"amount": {"currency_code": "EUR", "value": "2.50"}}
    ]
    assert ledger_of(first) == {
        "refund_gross": Decimal("-30.00"),
        "refund_paypal_fee": Decimal("0.00"),
        "refund_platform_fee": Decimal("1.50"),
        "refund_net": Decimal("-28.50"),
    }
    assert ledger_of(second)["refund_platform_fee"] == Decimal("2.50")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REFUNDED
    # SofaDoc kept nothing of a fully refunded payment.
    fee_rows = LedgerEntry.objects.filter(
        purchase=payment.purchase, kind__in=["platform_fee", "refund_platform_fee"]
    )
    assert sum(fee_rows.values_list("amount", flat=True)) == Decimal("0.00")


@pytest.mark.parametrize("amount", ["0.00", "-5.00", "80.01", "10.005"])
def test_a_refund_above_what_is_left_or_odd_is_refused_and_changes_nothing(booking, paypal, amount):
    payment = booking.payments.get()
    with pytest.raises(PaymentRefused):
        refund_issue(payment=payment, amount=Decimal(amount), reason="x")
    assert not Refund.objects.exists() and not paypal.requests_to("/refund")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CAPTURED


def test_after_a_partial_refund_only_the_rest_can_go_back(booking, paypal):
    payment = booking.payments.get()
    refund_issue(payment=payment, amount=Decimal("70.00"), reason="x")
    with pytest.raises(PaymentRefused):
        refund_issue(payment=payment, amount=Decimal("10.01"), reason="too much")
    assert Refund.objects.count() == 1 and len(paypal.requests_to("/refund")) == 1


def test_a_refund_paypal_refuses_is_kept_as_failed_without_ledger_rows(booking, paypal):
    payment = booking.payments.get()
    paypal.fail_refunds = True
    refund = refund_issue(payment=payment, amount=Decimal("80.00"), reason="cancelled")
    assert refund.status == RefundStatus.FAILED and refund.platform_fee_returned == 0
    assert not LedgerEntry.objects.filter(kind__startswith="refund").exists()
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CAPTURED
