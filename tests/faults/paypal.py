"""PayPal for a site run in its own processes (gunicorn): faked at the HTTP level with
`responses`, inside each web process, so the real SDK code runs.

tests/bookings/fake_paypal.py keeps orders in the memory of the test process; gunicorn's workers
are several processes, and an order created by one is captured by another. This fake keeps no
state: the order id carries amount and currency, every order counts as approved once the client
comes back, and its approval link leads straight to our return URL (what PayPal does once the
client has approved). Everything but PayPal's host passes through to the network.
"""

from __future__ import annotations

import json
import re
import secrets

import responses

BASE = "https://api-m.sandbox.paypal.com"


def _order(order_id: str, status: str, approve: str = "", capture: dict | None = None) -> dict:
    _, value, currency, _ = order_id.split("-", 3)
    amount = {"currency_code": currency, "value": value.replace("_", ".")}
    unit = {"reference_id": "default", "amount": amount}
    if capture:
        unit["payments"] = {"captures": [capture]}
    links = [{"href": f"{BASE}/v2/checkout/orders/{order_id}", "rel": "self", "method": "GET"}]
    if approve:
        links.append({"href": approve, "rel": "payer-action", "method": "GET"})
    return {"id": order_id, "status": status, "purchase_units": [unit], "links": links}


def _create(request):
    body = json.loads(request.body)
    amount = body["purchase_units"][0]["amount"]
    order_id = "-".join(
        ["FAKE", amount["value"].replace(".", "_"), amount["currency_code"], secrets.token_hex(6)]
    )
    context = body["payment_source"]["paypal"]["experience_context"]
    approve = f"{context['return_url']}?token={order_id}"
    return 201, {}, json.dumps(_order(order_id, "PAYER_ACTION_REQUIRED", approve))


def _get(request):
    return 200, {}, json.dumps(_order(request.url.rsplit("/", 1)[-1], "APPROVED"))


def _capture(request):
    order_id = request.url.split("/")[-2]
    amount = _order(order_id, "APPROVED")["purchase_units"][0]["amount"]
    capture = {
        "id": f"CAPTURE-{order_id[-12:]}",
        "status": "COMPLETED",
        "amount": amount,
        "seller_receivable_breakdown": {
            "gross_amount": amount,
            "paypal_fee": {"currency_code": amount["currency_code"], "value": "0.35"},
            "net_amount": {"currency_code": amount["currency_code"], "value": "0.00"},
        },
    }
    return 201, {}, json.dumps(_order(order_id, "COMPLETED", capture=capture))


def install() -> responses.RequestsMock:
    """Answer PayPal's host from this process from now on (in gunicorn: before the fork)."""
    mock = responses.RequestsMock(assert_all_requests_are_fired=False)
    mock.add_passthru(re.compile(r"^(?!https://api-m\.sandbox\.paypal\.com)"))
    mock.add(
        responses.POST,
        f"{BASE}/v1/oauth2/token",
        json={"access_token": "A21-fake", "token_type": "Bearer", "expires_in": 32400},
    )
    mock.add_callback(responses.POST, f"{BASE}/v2/checkout/orders", callback=_create)
    mock.add_callback(
        responses.POST, re.compile(rf"{BASE}/v2/checkout/orders/[^/]+/capture"), callback=_capture
    )
    mock.add_callback(
        responses.GET, re.compile(rf"{BASE}/v2/checkout/orders/[^/]+$"), callback=_get
    )
    mock.start()
    return mock
