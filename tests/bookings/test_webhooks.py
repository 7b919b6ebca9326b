"""POST /webhooks/paypal/: verified, fresh, stored once, and checked against PayPal again."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from coaching.bookings.models import Booking, BookingState, PaymentStatus, WebhookEvent
from tests.bookings.fixtures import approved_at_paypal

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved_order(session_type, client_user, paypal, frozen):
    """A held booking whose client approved at PayPal but never came back."""
    return approved_at_paypal(paypal, client=client_user, session_type=session_type)


def deliver(client, event_type, order_id, *, event_id="WH-1", sent=None):
    body = {
        "id": event_id,
        "event_type": event_type,
        "resource": {
            "id": "CAPTURE-X",
            "supplementary_data": {"related_ids": {"order_id": order_id}},
            "payer": {"email_address": "someone@example.org"},
        },
    }
    return client.post(
        reverse("bookings:paypal_webhook"),
        data=json.dumps(body),
        content_type="application/json",
        HTTP_PAYPAL_TRANSMISSION_ID="t-1",
        HTTP_PAYPAL_TRANSMISSION_TIME=(sent or timezone.now()).isoformat().replace("+00:00", "Z"),
        HTTP_PAYPAL_TRANSMISSION_SIG="sig",
        HTTP_PAYPAL_CERT_URL="https://api.paypal.com/cert.pem",
        HTTP_PAYPAL_AUTH_ALGO="SHA256withRSA",
    )


def test_capture_completed_confirms_a_booking_whose_return_never_came(
    client, approved_order, paypal
):
    booking, order_id = approved_order

    response = deliver(client, "PAYMENT.CAPTURE.COMPLETED", order_id)

    assert response.status_code == 200
    booking.refresh_from_db()
    assert booking.state == BookingState.CONFIRMED
    [verify] = paypal.requests_to("verify-webhook-signature")
    sent = json.loads(verify.body)
    assert sent["webhook_id"] == "WH-TEST-0001" and sent["transmission_sig"] == "sig"
    stored = WebhookEvent.objects.get()
    assert "payer" not in stored.payload["resource"]  # no personal data kept


def test_a_forged_event_is_refused_without_side_effects(client, approved_order, paypal):
    _booking, order_id = approved_order
    paypal.verification = "FAILURE"

    response = deliver(client, "PAYMENT.CAPTURE.COMPLETED", order_id)

    assert response.status_code == 400
    assert Booking.objects.get().state == BookingState.HELD
    assert not WebhookEvent.objects.exists()
    assert not paypal.requests_to("/capture")


def test_a_stale_delivery_is_refused(client, approved_order, paypal):
    _booking, order_id = approved_order

    response = deliver(
        client, "PAYMENT.CAPTURE.COMPLETED", order_id, sent=timezone.now() - timedelta(hours=1)
    )

    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()


@pytest.mark.parametrize("body", [b"not json", b"{}", b'{"id": "x"}', b"[]"])
def test_malformed_events_are_refused(client, body, paypal, frozen):
    response = client.post(
        reverse("bookings:paypal_webhook"), data=body, content_type="application/json"
    )
    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()


def test_a_replayed_event_is_acknowledged_and_ignored(client, approved_order, paypal):
    _booking, order_id = approved_order
    deliver(client, "PAYMENT.CAPTURE.COMPLETED", order_id)

    again = deliver(client, "PAYMENT.CAPTURE.COMPLETED", order_id)

    assert again.status_code == 200 and again.json()["status"] == "duplicate"
    assert WebhookEvent.objects.count() == 1
    assert len(paypal.requests_to("/capture")) == 1


def test_a_reversal_is_checked_with_paypal_and_tells_staff(
    client, approved_order, paypal, django_capture_on_commit_callbacks, received
):
    from coaching.bookings.signals import payment_problem

    booking, order_id = approved_order
    deliver(client, "PAYMENT.CAPTURE.COMPLETED", order_id, event_id="WH-1")
    told = received(payment_problem)

    with django_capture_on_commit_callbacks(execute=True):
        response = deliver(client, "PAYMENT.CAPTURE.REVERSED", order_id, event_id="WH-2")

    assert response.status_code == 200
    assert [kwargs["problem"] for kwargs in told] == ["payment reversed"]
    assert booking.payments.get().status == PaymentStatus.REVERSED
    assert any(r.method == "GET" for r in paypal.requests_to(f"/orders/{order_id}"))


def test_events_for_unknown_orders_are_acknowledged(client, paypal, frozen):
    response = deliver(client, "PAYMENT.CAPTURE.COMPLETED", "ORDER-NOT-OURS")
    assert response.status_code == 200
    assert WebhookEvent.objects.get().outcome.startswith("ignored")


def test_webhook_url_takes_post_only_and_never_redirects(client):
    assert client.get(reverse("bookings:paypal_webhook")).status_code == 405
    assert reverse("bookings:paypal_webhook") == "/webhooks/paypal/"
