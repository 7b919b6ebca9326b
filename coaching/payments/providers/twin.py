"""PayPal played locally, for the demo and development without credentials and network.

Orders live in the cache, approval is a page of our own (`payments:twin_approve`). The twin keeps
PayPal's arithmetic: captures report a plausible PayPal fee (2.49 % + 0.35 €), SofaDoc's fee as
sent with the order, and the net; refunds give back the fee share asked for. It sends no webhooks
and accepts none. It refuses to run with DEBUG off unless PAYPAL_TWIN_ALLOWED is set.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.core.cache import cache
from django.urls import reverse

from coaching.payments.fees import twin_paypal_fee
from coaching.payments.providers.base import (
    Capture,
    Order,
    OrderSpec,
    PartnerStubs,
    PaymentError,
    RefundResult,
    RefundSpec,
)
from coaching.payments.providers.paypal import money
from coaching.payments.providers.twin_partner import TwinPartnerMixin


class TwinProvider(TwinPartnerMixin, PartnerStubs):
    name = "twin"
    TTL = 6 * 60 * 60

    def create_order(self, spec: OrderSpec) -> Order:
        if not spec.payee_merchant_id:
            raise PaymentError("The order names no payee.", code="PAYEE_ACCOUNT_INVALID")
        key = f"paypal-twin:request:{spec.request_id}"
        order_id = cache.get(key) or f"TWIN-{uuid.uuid4().hex[:17].upper()}"
        cache.set(key, order_id, self.TTL)
        state = cache.get(self._key(order_id)) or {
            "status": "CREATED",
            "amount": money(spec.amount),
            "currency": spec.currency,
            "platform_fee": money(spec.platform_fee),
            "payee": spec.payee_merchant_id,
            "return_url": spec.return_url,
            "cancel_url": spec.cancel_url,
            "reference": spec.reference,
        }
        self._save(order_id, state)
        return Order(
            order_id,
            state["status"],
            approve_url=reverse("payments:twin_approve", args=[order_id]),
            amount=Decimal(state["amount"]),
            currency=state["currency"],
        )

    def get_order(self, order_id: str) -> Order:
        state = self._load(order_id)
        return Order(
            order_id,
            state["status"],
            amount=Decimal(state["amount"]),
            currency=state["currency"],
            capture_id=state.get("capture_id", ""),
            capture_status=state.get("capture_status", ""),
        )

    def approve(self, order_id: str) -> dict:
        state = self._load(order_id)
        if state["status"] == "CREATED":
            state["status"] = "APPROVED"
            self._save(order_id, state)
        return state

    def redirect_urls(self, order_id: str) -> tuple[str, str]:
        """Where PayPal would send the client back: (after approving, after cancelling)."""
        state = self._load(order_id)
        return state["return_url"], state["cancel_url"]

    def capture(self, *, order_id: str, request_id: str) -> Capture:
        state = self._load(order_id)
        if state["status"] == "CREATED":
            raise PaymentError("The payment was not approved.", code="ORDER_NOT_APPROVED")
        if state["status"] == "APPROVED":
            state.update(
                status="COMPLETED",
                capture_id=f"TWINCAP-{uuid.uuid4().hex[:12].upper()}",
                capture_status="COMPLETED",
            )
            self._save(order_id, state)
        amount = Decimal(state["amount"])
        paypal_fee = twin_paypal_fee(amount)
        platform_fee = Decimal(state["platform_fee"])
        return Capture(
            order_id,
            "COMPLETED",
            state["capture_id"],
            amount,
            state["currency"],
            paypal_fee=paypal_fee,
            platform_fee=platform_fee,
            net_amount=amount - paypal_fee - platform_fee,
        )

    def refund(self, spec: RefundSpec) -> RefundResult:
        key = f"paypal-twin:refund:{spec.request_id}"
        refund_id = cache.get(key) or f"TWINREF-{uuid.uuid4().hex[:12].upper()}"
        cache.set(key, refund_id, self.TTL)
        # PayPal keeps its own fee on a refund in Germany; SofaDoc's share goes back as asked.
        return RefundResult(
            refund_id, "COMPLETED", paypal_fee=Decimal("0.00"), platform_fee=spec.platform_fee
        )

    def verify_webhook(self, *, headers, body: bytes) -> bool:
        return False  # the twin sends no webhooks; nothing may pretend to be it

    def _key(self, order_id: str) -> str:
        return f"paypal-twin:order:{order_id}"

    def _load(self, order_id: str) -> dict:
        state = cache.get(self._key(order_id))
        if state is None:
            raise PaymentError("This payment is unknown or has expired.", code="RESOURCE_NOT_FOUND")
        return state

    def _save(self, order_id: str, state: dict) -> None:
        cache.set(self._key(order_id), state, self.TTL)
