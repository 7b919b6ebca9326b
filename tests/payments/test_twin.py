"""The PayPal twin (coaching/payments/providers/twin.py): the demo's checkout, with PayPal's
arithmetic."""

from decimal import Decimal

import pytest

from coaching.bookings.models import Booking, BookingState
from tests.bookings.fixtures import hold_and_go_to_paypal

pytestmark = pytest.mark.django_db


def test_the_demo_checkout_through_the_paypal_twin(signed_in, session_type, frozen, settings):
    from coaching.payments.models import LedgerEntry

    settings.PAYPAL_MODE, settings.PAYPAL_TWIN_ALLOWED = "twin", True
    # The demo coach connected PayPal through the twin.
    session_type.practice.merchant_account.__class__.objects.filter(
        practice=session_type.practice
    ).update(provider="twin")

    response = hold_and_go_to_paypal(signed_in, session_type)
    assert response.status_code == 302 and "/paypal-sandbox/" in response.url
    page = signed_in.get(response.url)
    assert "Sandbox" in page.content.decode()

    back = signed_in.post(response.url, {"action": "approve"})
    confirmed = signed_in.get(back.url)

    assert confirmed.status_code == 302
    assert Booking.objects.get().state == BookingState.CONFIRMED
    # The twin keeps PayPal's arithmetic: 2.49 % + 0.35 € and SofaDoc's 5 %.
    amounts = dict(LedgerEntry.objects.values_list("kind", "amount"))
    assert amounts == {
        "capture_gross": Decimal("80.00"),
        "paypal_fee": Decimal("-2.34"),
        "platform_fee": Decimal("-4.00"),
        "net": Decimal("73.66"),
    }
