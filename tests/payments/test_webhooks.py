"""POST /webhooks/paypal/: verified over the exact bytes, fresh, stored once, and checked against
PayPal again; verified events we cannot use are stored as ignored (200), an unreachable
certificate host answers 503 (issue 24 #10)."""

import re
from decimal import Decimal

import pytest
import requests
import responses
from django.urls import reverse

from coaching.bookings.models import BookingState
from coaching.payments.models import LedgerEntry, PaymentStatus, WebhookEvent
from tests.bookings.fixtures import held_with_order, paid_booking
from tests.payments.fake_paypal import BASE, CERT_URL
from tests.payments.paypal_events import deliver

pytestmark = pytest.mark.django_db


def test_capture_completed_confirms_a_booking_whose_return_never_came(
    client, approved_order, paypal
):
    booking, order_id = approved_order

    response = deliver(client, "PAYMENT.CAPTURE.COMPLETED", order_id, paypal=paypal)

    assert response.status_code == 200, response.content
    booking.refresh_from_db()
    assert booking.state == BookingState.CONFIRMED
    # Verified offline with the certificate from PayPal's host; nothing sent to be re-checked.
    assert [r.url for r in paypal.requests_to("/certs/")] == [CERT_URL]
    assert not paypal.requests_to("verify-webhook-signature")
    stored = WebhookEvent.objects.get()
    assert "payer" not in stored.payload["resource"]  # no personal data kept


@pytest.mark.parametrize("body", [b"not json", b"{}", b'{"id": "x"}', b"[]"])
def test_malformed_events_are_refused(client, body, paypal, frozen):
    response = client.post(
        reverse("payments:paypal_webhook"), data=body, content_type="application/json"
    )
    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()


def test_a_replayed_event_is_acknowledged_and_ignored(client, approved_order, paypal):
    _booking, order_id = approved_order
    deliver(client, "PAYMENT.CAPTURE.COMPLETED", order_id, paypal=paypal)

    again = deliver(client, "PAYMENT.CAPTURE.COMPLETED", order_id, paypal=paypal)

    assert again.status_code == 200 and again.json()["status"] == "duplicate"
    assert WebhookEvent.objects.count() == 1
    assert len(paypal.requests_to("/capture")) == 1


def test_a_reversal_is_checked_with_paypal_and_tells_staff(
    client, approved_order, paypal, django_capture_on_commit_callbacks, received
):
    from coaching.bookings.signals import payment_problem

    booking, order_id = approved_order
    deliver(client, "PAYMENT.CAPTURE.COMPLETED", order_id, paypal=paypal, event_id="WH-1")
    told = received(payment_problem)

    with django_capture_on_commit_callbacks(execute=True):
        response = deliver(
            client, "PAYMENT.CAPTURE.REVERSED", order_id, paypal=paypal, event_id="WH-2"
        )

    assert response.status_code == 200
    assert [kwargs["problem"] for kwargs in told] == ["payment reversed"]
    payment = booking.payments.get()
    assert payment.status == PaymentStatus.REVERSED
    assert any(r.method == "GET" for r in paypal.requests_to(f"/orders/{order_id}"))
    [reversal] = LedgerEntry.objects.filter(kind="reversal")
    assert reversal.amount == -payment.amount and reversal.provider_reference == payment.capture_id


def test_events_for_unknown_orders_are_acknowledged(client, paypal, frozen):
    response = deliver(client, "PAYMENT.CAPTURE.COMPLETED", "ORDER-NOT-OURS", paypal=paypal)
    assert response.status_code == 200
    assert WebhookEvent.objects.get().outcome.startswith("ignored")


def test_verified_events_we_have_no_use_for_are_stored_as_ignored(client, paypal, frozen):
    response = deliver(client, "BILLING.PLAN.CREATED", "ORDER-X", paypal=paypal)
    assert response.status_code == 200
    assert WebhookEvent.objects.get().outcome == "ignored: no use for BILLING.PLAN.CREATED"


def test_a_completed_event_for_an_order_never_approved_is_ignored_not_retried(
    client, session_type, client_user, paypal, frozen
):
    """Issue 24 #10: this answered 503 forever, and PayPal retried for three days."""
    booking = held_with_order(client=client_user, session_type=session_type)
    order_id = booking.payments.get().order_id  # never approved

    response = deliver(client, "PAYMENT.CAPTURE.COMPLETED", order_id, paypal=paypal)

    assert response.status_code == 200
    assert WebhookEvent.objects.get().outcome == "ignored: PayPal says ORDER_NOT_APPROVED"
    booking.refresh_from_db()
    assert booking.state == BookingState.HELD
    assert booking.payments.get().status == PaymentStatus.CREATED


def test_a_refund_made_at_paypal_is_recorded_with_its_ledger_rows(
    client, session_type, client_user, paypal, frozen, django_capture_on_commit_callbacks, received
):
    from coaching.bookings.signals import booking_refunded, payment_problem

    # Paid through the fake: the webhook asks PayPal about this very order.
    booking = paid_booking(paypal, client=client_user, session_type=session_type)
    payment = booking.payments.get()
    order = paypal.orders[payment.order_id]
    order["capture"]["status"] = "PARTIALLY_REFUNDED"
    refunded, told = received(booking_refunded), received(payment_problem)
    refund = {
        "id": "REFUND-AT-PAYPAL",
        "status": "COMPLETED",
        "amount": {"currency_code": "EUR", "value": "20.00"},
        "seller_payable_breakdown": {
            "paypal_fee": {"currency_code": "EUR", "value": "0.00"},
            "platform_fees": [{"amount": {"currency_code": "EUR", "value": "1.00"}}],
        },
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = deliver(
            client, "PAYMENT.CAPTURE.REFUNDED", payment.order_id, paypal=paypal, **refund
        )
        again = deliver(
            client,
            "PAYMENT.CAPTURE.REFUNDED",
            payment.order_id,
            paypal=paypal,
            event_id="WH-2",
            **refund,
        )

    assert response.status_code == again.status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PARTIALLY_REFUNDED
    rows = dict(
        LedgerEntry.objects.filter(provider_reference="REFUND-AT-PAYPAL").values_list(
            "kind", "amount"
        )
    )
    assert rows == {
        "refund_gross": Decimal("-20.00"),
        "refund_paypal_fee": Decimal("0.00"),
        "refund_platform_fee": Decimal("1.00"),
        "refund_net": Decimal("-19.00"),
    }
    assert len(refunded) == 1 and [k["problem"] for k in told] == ["refunded at PayPal"]


def test_webhook_url_takes_post_only_and_never_redirects(client):
    assert client.get(reverse("payments:paypal_webhook")).status_code == 405
    assert reverse("payments:paypal_webhook") == "/webhooks/paypal/"


def test_paypal_unreachable_while_handling_answers_503_and_stores_nothing(
    client, approved_order, paypal
):
    booking, order_id = approved_order
    deliver(client, "PAYMENT.CAPTURE.COMPLETED", order_id, paypal=paypal, event_id="WH-1")
    paypal.mock.replace(
        responses.GET,
        re.compile(rf"{BASE}/v2/checkout/orders/[^/]+$"),
        body=requests.ConnectionError("refused"),
    )

    response = deliver(client, "PAYMENT.CAPTURE.REVERSED", order_id, paypal=paypal, event_id="WH-2")

    assert response.status_code == 503
    assert not WebhookEvent.objects.filter(event_id="WH-2").exists()  # PayPal delivers again
    assert booking.payments.get().status == PaymentStatus.CAPTURED
    assert not LedgerEntry.objects.filter(kind="reversal").exists()


def test_a_denied_capture_releases_the_held_slot(client, approved_order, paypal):
    booking, order_id = approved_order
    paypal.orders[order_id]["capture"] = {"id": "CAPTURE-X", "status": "DECLINED"}

    response = deliver(client, "PAYMENT.CAPTURE.DENIED", order_id, paypal=paypal)

    assert response.status_code == 200
    booking.refresh_from_db()
    assert booking.state == BookingState.ABANDONED
    assert booking.payments.get().status == PaymentStatus.FAILED
    assert WebhookEvent.objects.get().outcome == "payment failed"
