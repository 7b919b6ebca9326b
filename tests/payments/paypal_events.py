"""PayPal webhook deliveries as PayPal sends them, signed by the fake PayPal
(tests/payments/fake_paypal.py)."""

import json

from django.urls import reverse


def event_body(event_type, order_id, *, event_id="WH-1", **resource) -> bytes:
    body = {
        "id": event_id,
        "event_type": event_type,
        "resource": {
            "id": "CAPTURE-X",
            "supplementary_data": {"related_ids": {"order_id": order_id}},
            "payer": {"email_address": "someone@example.org"},
            **resource,
        },
    }
    # Spacing and key order as PayPal sends them, not as Python would re-serialise them.
    return json.dumps(body, indent=1).encode()


def post(client, paypal, body: bytes, *, sent=None, **headers):
    signed = {**paypal.webhook_headers(body, sent=sent), **headers}
    return client.post(
        reverse("payments:paypal_webhook"), data=body, content_type="application/json", **signed
    )


def deliver(client, event_type, order_id, *, paypal, event_id="WH-1", sent=None, **resource):
    body = event_body(event_type, order_id, event_id=event_id, **resource)
    return post(client, paypal, body, sent=sent)
