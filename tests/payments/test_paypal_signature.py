"""PayPal's webhook signature (coaching/payments/providers/paypal_signature.py): verified offline
over the exact bytes with the certificate from PayPal's own host, fetched once; forged, stale or
unverifiable deliveries change nothing."""

import base64
import zlib
from datetime import timedelta

import pytest
import requests
import responses
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from django.urls import reverse
from django.utils import timezone

from coaching.bookings.models import Booking, BookingState
from coaching.payments.models import WebhookEvent
from tests.payments.fake_paypal import CERT_URL, signing_key
from tests.payments.paypal_events import deliver, event_body

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "forgery",
    ["other-key", "body-changed", "other-webhook-id", "cert-elsewhere", "cert-over-http", "algo"],
)
def test_a_forged_event_is_refused_without_side_effects(client, approved_order, paypal, forgery):
    from cryptography.hazmat.primitives.asymmetric import rsa

    _booking, order_id = approved_order
    body = event_body("PAYMENT.CAPTURE.COMPLETED", order_id)
    headers = paypal.webhook_headers(body)
    if forgery == "other-key":
        other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        headers = paypal.webhook_headers(body, key=other)
    elif forgery == "body-changed":  # one byte more than was signed (a re-serialised body)
        body = body + b" "
    elif forgery == "other-webhook-id":
        sent = headers["HTTP_PAYPAL_TRANSMISSION_TIME"]
        message = f"t-1|{sent}|WH-SOMEONE-ELSE|{zlib.crc32(body)}".encode()
        headers["HTTP_PAYPAL_TRANSMISSION_SIG"] = base64.b64encode(
            signing_key().sign(message, padding.PKCS1v15(), hashes.SHA256())
        ).decode()
    elif forgery == "cert-elsewhere":
        headers["HTTP_PAYPAL_CERT_URL"] = "https://paypal.com.evil.example/cert.pem"
    elif forgery == "cert-over-http":
        headers["HTTP_PAYPAL_CERT_URL"] = CERT_URL.replace("https://", "http://")
    elif forgery == "algo":
        headers["HTTP_PAYPAL_AUTH_ALGO"] = "SHA1withRSA"

    response = client.post(
        reverse("payments:paypal_webhook"), data=body, content_type="application/json", **headers
    )

    assert response.status_code == 400
    assert Booking.objects.get().state == BookingState.HELD
    assert not WebhookEvent.objects.exists()
    assert not paypal.requests_to("/capture")
    if forgery.startswith("cert-"):
        assert not paypal.requests_to("/certs/")  # never fetched from elsewhere


def test_an_unreachable_certificate_host_answers_503_so_paypal_retries(
    client, approved_order, paypal
):
    _booking, order_id = approved_order
    paypal.mock.replace(responses.GET, CERT_URL, body=requests.ConnectionError("refused"))

    response = deliver(client, "PAYMENT.CAPTURE.COMPLETED", order_id, paypal=paypal)

    assert response.status_code == 503
    assert Booking.objects.get().state == BookingState.HELD
    assert not WebhookEvent.objects.exists()
    assert not paypal.requests_to("/capture")


def test_the_certificate_is_fetched_once_and_cached(client, approved_order, paypal):
    _booking, order_id = approved_order
    deliver(client, "PAYMENT.CAPTURE.COMPLETED", order_id, paypal=paypal, event_id="WH-1")
    deliver(client, "CHECKOUT.ORDER.APPROVED", order_id, paypal=paypal, event_id="WH-2")
    assert len(paypal.requests_to("/certs/")) == 1


def test_a_stale_delivery_is_refused(client, approved_order, paypal):
    _booking, order_id = approved_order

    response = deliver(
        client,
        "PAYMENT.CAPTURE.COMPLETED",
        order_id,
        paypal=paypal,
        sent=timezone.now() - timedelta(hours=1),
    )

    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()
