"""The checkout's money steps (coaching/payments/services/checkout.py): who is paid and what
SofaDoc takes, decided once and refused clearly when it cannot be; the reconciler finishing
orders whose return never came."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import translation

from coaching.bookings.models import Booking, BookingState
from coaching.bookings.services import BookingError
from coaching.bookings.tasks import expire_holds
from coaching.payments.models import FeeOverride, MerchantStatus, PaymentStatus, Purchase
from coaching.payments.services import LineSpec, PaymentRefused, purchase_create
from coaching.payments.tasks import reconcile_open_orders as reconcile_orders
from tests.bookings.fixtures import approved_at_paypal, held_with_order
from tests.factories import UserFactory

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


def test_the_reconciler_finishes_an_order_whose_return_never_came(
    session_type, client_user, paypal, frozen
):
    approved_at_paypal(paypal, client=client_user, session_type=session_type)  # tab then closed

    frozen.shift(timedelta(minutes=20))  # the hold ran out meanwhile
    expire_holds.apply()
    assert reconcile_orders.apply().get() == 1

    booking = Booking.objects.get()
    assert booking.state == BookingState.CONFIRMED  # the slot was still free
    assert booking.payments.get().status == PaymentStatus.CAPTURED


def test_a_late_capture_for_a_slot_taken_meanwhile_is_refunded(
    session_type, client_user, paypal, frozen
):
    first, _ = approved_at_paypal(paypal, client=client_user, session_type=session_type)
    frozen.shift(timedelta(minutes=20))
    expire_holds.apply()
    held_with_order(client=UserFactory(), session_type=session_type)  # someone else holds it now

    assert reconcile_orders.apply().get() == 1  # finished: paid, then refunded

    first.refresh_from_db()
    assert first.state == BookingState.EXPIRED
    assert first.payments.get().status == PaymentStatus.REFUNDED
    assert len(paypal.requests_to("/refund")) == 1
