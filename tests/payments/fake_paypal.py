"""PayPal's REST API faked at the HTTP level, so the real SDK code runs in tests.

The fake keeps orders in memory and answers the calls the SDK makes; `calls` holds every request
so tests can assert what was sent (body, PayPal-Request-Id, payee, platform fees, assertion).
It also signs webhooks as PayPal does (SHA256withRSA over id|time|webhook id|crc32(body)) with a
key made for the test, and serves the certificate from a PayPal host.
"""

import base64
import itertools
import json
import re
import zlib
from datetime import UTC, datetime
from decimal import Decimal
from functools import cache

import responses
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

BASE = "https://api-m.sandbox.paypal.com"
CERT_URL = "https://api.sandbox.paypal.com/v1/notifications/certs/CERT-360caa42-fake"
WEBHOOK_ID = "WH-TEST-0001"


@cache
def signing_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def certificate_pem(key: rsa.RSAPrivateKey) -> bytes:
    name = x509.Name(
        [x509.NameAttribute(NameOID.COMMON_NAME, "messageverificationcerts.sandbox.paypal.com")]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        # Wide: tests travel in time (time-machine) after the fake is made.
        .not_valid_before(datetime(2020, 1, 1, tzinfo=UTC))
        .not_valid_after(datetime(2040, 1, 1, tzinfo=UTC))
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM)


class FakePayPal:
    def __init__(self, mock: responses.RequestsMock):
        self.mock = mock
        self.orders: dict[str, dict] = {}
        self.by_request_id: dict[str, str] = {}
        self.ids = itertools.count(1)
        self.capture_status = "COMPLETED"
        self.fail_refunds = False
        mock.add(responses.GET, CERT_URL, body=certificate_pem(signing_key()), status=200)
        mock.add(
            responses.POST,
            f"{BASE}/v1/oauth2/token",
            json={
                "access_token": "A21-fake",
                "token_type": "Bearer",
                "expires_in": 32400,
            },
        )
        mock.add_callback(responses.POST, f"{BASE}/v2/checkout/orders", callback=self._create)
        mock.add_callback(
            responses.POST,
            re.compile(rf"{BASE}/v2/checkout/orders/[^/]+/capture"),
            callback=self._capture,
        )
        mock.add_callback(
            responses.GET, re.compile(rf"{BASE}/v2/checkout/orders/[^/]+$"), callback=self._get
        )
        mock.add_callback(
            responses.POST,
            re.compile(rf"{BASE}/v2/payments/captures/[^/]+/refund"),
            callback=self._refund,
        )

    # What tests look at
    def requests_to(self, path_fragment: str):
        return [c.request for c in self.mock.calls if path_fragment in c.request.url]

    def created_orders(self):
        return [r for r in self.requests_to("/v2/checkout/orders") if r.url.endswith("/orders")]

    def approve(self, order_id: str) -> None:
        self.orders[order_id]["status"] = "APPROVED"

    def webhook_headers(self, body: bytes, *, sent=None, transmission_id="t-1", key=None):
        """The headers PayPal sends with `body`, signed over exactly these bytes."""
        sent_at = (sent or datetime.now(UTC)).isoformat().replace("+00:00", "Z")
        message = f"{transmission_id}|{sent_at}|{WEBHOOK_ID}|{zlib.crc32(body)}".encode()
        signature = (key or signing_key()).sign(message, padding.PKCS1v15(), hashes.SHA256())
        return {
            "HTTP_PAYPAL_TRANSMISSION_ID": transmission_id,
            "HTTP_PAYPAL_TRANSMISSION_TIME": sent_at,
            "HTTP_PAYPAL_TRANSMISSION_SIG": base64.b64encode(signature).decode(),
            "HTTP_PAYPAL_CERT_URL": CERT_URL,
            "HTTP_PAYPAL_AUTH_ALGO": "SHA256withRSA",
        }

    # PayPal's side
    def _create(self, request):
        request_id = request.headers.get("PayPal-Request-Id")
        if request_id in self.by_request_id:
            return 200, {}, json.dumps(self._order(self.by_request_id[request_id]))
        body = json.loads(request.body)
        order_id = f"ORDER{next(self.ids):05d}"
        self.by_request_id[request_id] = order_id
        self.orders[order_id] = {
            "status": "PAYER_ACTION_REQUIRED",
            "unit": body["purchase_units"][0],
            "capture": None,
        }
        return 201, {}, json.dumps(self._order(order_id))

    def _capture(self, request):
        order_id = request.url.split("/")[-2]
        order = self.orders[order_id]
        if order["capture"]:
            return 422, {}, json.dumps(self._error("ORDER_ALREADY_CAPTURED"))
        if order["status"] != "APPROVED":
            return 422, {}, json.dumps(self._error("ORDER_NOT_APPROVED"))
        amount = order["unit"]["amount"]
        fee = (Decimal(amount["value"]) * Decimal("0.0249") + Decimal("0.35")).quantize(
            Decimal("0.01")
        )
        # The platform fee the order asked for goes to the partner; the payee gets the rest.
        platform_fees = order["unit"].get("payment_instruction", {}).get("platform_fees", [])
        platform = sum((Decimal(f["amount"]["value"]) for f in platform_fees), Decimal("0"))
        currency = amount["currency_code"]
        order["status"] = "COMPLETED"
        order["capture"] = {
            "id": f"CAPTURE{next(self.ids):05d}",
            "status": self.capture_status,
            "amount": amount,
            "seller_receivable_breakdown": {
                "gross_amount": amount,
                "paypal_fee": {"currency_code": currency, "value": str(fee)},
                "platform_fees": [
                    {"amount": f["amount"], "payee": {"merchant_id": "SOFADOC-PARTNER"}}
                    for f in platform_fees
                ],
                "net_amount": {
                    "currency_code": currency,
                    "value": str(Decimal(amount["value"]) - fee - platform),
                },
            },
        }
        return 201, {}, json.dumps(self._order(order_id))

    def _get(self, request):
        order_id = request.url.rsplit("/", 1)[-1]
        if order_id not in self.orders:
            return 404, {}, json.dumps(self._error("RESOURCE_NOT_FOUND"))
        return 200, {}, json.dumps(self._order(order_id))

    def _refund(self, request):
        if self.fail_refunds:
            return 422, {}, json.dumps(self._error("CAPTURE_FULLY_REFUNDED"))
        capture_id = request.url.split("/")[-2]
        for order in self.orders.values():
            if order["capture"] and order["capture"]["id"] == capture_id:
                order["capture"]["status"] = "REFUNDED"
        body = json.loads(request.body or "{}")
        amount = body["amount"]
        fees = body.get("payment_instruction", {}).get("platform_fees", [])
        returned = sum((Decimal(f["amount"]["value"]) for f in fees), Decimal("0"))
        currency = amount["currency_code"]
        return (
            201,
            {},
            json.dumps(
                {
                    "id": f"REFUND{next(self.ids):05d}",
                    "status": "COMPLETED",
                    "amount": amount,
                    "seller_payable_breakdown": {
                        "gross_amount": amount,
                        # PayPal keeps its fee on refunds (Germany); the partner's share returns.
                        "paypal_fee": {"currency_code": currency, "value": "0.00"},
                        "platform_fees": [{"amount": f["amount"]} for f in fees],
                        "net_amount": {
                            "currency_code": currency,
                            "value": str(Decimal(amount["value"]) - returned),
                        },
                    },
                }
            ),
        )

    def _order(self, order_id: str) -> dict:
        order = self.orders[order_id]
        unit = {
            "reference_id": order["unit"].get("reference_id"),
            "amount": order["unit"]["amount"],
        }
        if order["capture"]:
            unit["payments"] = {"captures": [order["capture"]]}
        return {
            "id": order_id,
            "status": order["status"],
            "purchase_units": [unit],
            "links": [
                {
                    "href": f"https://www.sandbox.paypal.com/checkoutnow?token={order_id}",
                    "rel": "payer-action",
                    "method": "GET",
                },
                {"href": f"{BASE}/v2/checkout/orders/{order_id}", "rel": "self", "method": "GET"},
            ],
        }

    @staticmethod
    def _error(issue: str) -> dict:
        return {
            "name": "UNPROCESSABLE_ENTITY",
            "message": "The requested action could not be performed.",
            "debug_id": "f00d",
            "details": [{"issue": issue, "description": f"{issue} (fake)"}],
        }
