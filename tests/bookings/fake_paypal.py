"""PayPal's REST API faked at the HTTP level, so the real SDK code runs in tests.

The fake keeps orders in memory and answers the calls the SDK makes; `calls` holds every request
so tests can assert what was sent (body, PayPal-Request-Id).
"""

import itertools
import json
import re
from decimal import Decimal

import responses

BASE = "https://api-m.sandbox.paypal.com"


class FakePayPal:
    def __init__(self, mock: responses.RequestsMock):
        self.mock = mock
        self.orders: dict[str, dict] = {}
        self.by_request_id: dict[str, str] = {}
        self.ids = itertools.count(1)
        self.capture_status = "COMPLETED"
        self.verification = "SUCCESS"
        self.fail_refunds = False
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
        mock.add_callback(
            responses.POST,
            f"{BASE}/v1/notifications/verify-webhook-signature",
            callback=self._verify,
        )

    # What tests look at
    def requests_to(self, path_fragment: str):
        return [c.request for c in self.mock.calls if path_fragment in c.request.url]

    def created_orders(self):
        return [r for r in self.requests_to("/v2/checkout/orders") if r.url.endswith("/orders")]

    def approve(self, order_id: str) -> None:
        self.orders[order_id]["status"] = "APPROVED"

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
        order["status"] = "COMPLETED"
        order["capture"] = {
            "id": f"CAPTURE{next(self.ids):05d}",
            "status": self.capture_status,
            "amount": amount,
            "seller_receivable_breakdown": {
                "gross_amount": amount,
                "paypal_fee": {"currency_code": amount["currency_code"], "value": str(fee)},
                "net_amount": {
                    "currency_code": amount["currency_code"],
                    "value": str(Decimal(amount["value"]) - fee),
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
        return 201, {}, json.dumps({"id": f"REFUND{next(self.ids):05d}", "status": "COMPLETED"})

    def _verify(self, request):
        return 200, {}, json.dumps({"verification_status": self.verification})

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
