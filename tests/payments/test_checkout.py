"""Who is paid and what SofaDoc takes: decided once, refused clearly when it cannot be."""

import json
from decimal import Decimal

import pytest
from django.utils import translation

from coaching.bookings.services import BookingError
from coaching.payments.models import FeeOverride, MerchantStatus, PaymentStatus, Purchase
from coaching.payments.services import LineSpec, PaymentRefused, purchase_create
from tests.bookings.fixtures import held_with_order

pytestmark = pytest.mark.django_db


def start(session_type, client_user):
    return held_with_order(client=client_user, session_type=session_type)


def test_staff_override_of_the_fee_applies_to_new_purchases(
    session_type, client_user, paypal, frozen
):
    FeeOverride.objects.create(
        practice=session_type.practice, percent=Decimal("2.5"), fixed=Decimal("0.50")
    )
    booking = start(session_type, client_user)
    [create] = paypal.created_orders()
    fees = json.loads(create.body)["purchase_units"][0]["payment_instruction"]["platform_fees"]
    assert fees == [{"amount": {"currency_code": "EUR", "value": "2.50"}}]  # 2.5 % of 80 + 0.50
    booking.refresh_from_db()
    assert booking.purchase.platform_fee == Decimal("2.50")


def test_a_fee_larger_than_the_price_is_refused_and_nothing_is_ordered(
    session_type, client_user, paypal, frozen
):
    FeeOverride.objects.create(practice=session_type.practice, percent=0, fixed=Decimal("90"))
    with translation.override("en"), pytest.raises(BookingError, match="larger than the price"):
        start(session_type, client_user)
    assert not Purchase.objects.exists() and not paypal.created_orders()


@pytest.mark.parametrize(
    "change",
    [
        {"status": MerchantStatus.REVOKED},
        {"payments_receivable": False},
        {"provider": "twin"},  # a demo account is no payee at PayPal
        None,  # never connected
    ],
)
def test_a_coach_who_cannot_be_paid_gets_no_order(
    session_type, client_user, paypal, frozen, change
):
    account = session_type.practice.merchant_account
    if change is None:
        account.delete()
    else:
        for field, value in change.items():
            setattr(account, field, value)
        account.save()
    with translation.override("en"), pytest.raises(BookingError, match="cannot take payments"):
        start(session_type, client_user)
    assert not paypal.created_orders()


def test_lines_in_two_currencies_are_refused(practice, client_user):
    lines = [
        LineSpec(kind="booking", object_id=1, description="A", amount=Decimal("10")),
        LineSpec(
            kind="booking", object_id=2, description="B", amount=Decimal("10"), currency="CHF"
        ),
    ]
    with translation.override("en"), pytest.raises(PaymentRefused, match="same currency"):
        purchase_create(practice=practice, buyer=client_user, lines=lines)
    assert not Purchase.objects.exists()


def test_a_capture_in_another_currency_is_given_back_and_nothing_is_confirmed(
    session_type, client_user, paypal, frozen
):
    from coaching.bookings.models import BookingState
    from coaching.bookings.services import booking_capture

    booking = start(session_type, client_user)
    order_id = booking.payments.get().order_id
    paypal.approve(order_id)
    paypal.orders[order_id]["unit"]["amount"] = {"currency_code": "USD", "value": "80.00"}

    booking = booking_capture(booking=booking, order_id=order_id, actor=client_user)

    assert booking.state == BookingState.HELD  # not confirmed with money in the wrong currency
    [refund] = paypal.requests_to("/refund")
    assert json.loads(refund.body)["amount"] == {"currency_code": "USD", "value": "80.00"}
    assert booking.payments.get().status == PaymentStatus.REFUNDED
