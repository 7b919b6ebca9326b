"""PayPal, and the only module that talks to it (Orders v2 through `paypal-server-sdk`).

Two gateways with one interface, chosen by settings.PAYPAL_MODE:
- "sandbox" / "live": PayPal's REST API through the SDK (HTTP via `requests`, so tests fake it
  with `responses` at the URLs the SDK calls);
- "twin": a stand-in that plays PayPal's approve/cancel step on a local page, for the demo without
  credentials and network. It refuses to run with DEBUG off unless PAYPAL_TWIN_ALLOWED is set.

Every create, capture and refund carries a PayPal-Request-Id derived from our own ids, so a retry
(ours, or a double click) is answered by PayPal with the first result instead of a second charge.
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from functools import cache
from typing import Protocol

import requests
from django.conf import settings
from django.core.cache import cache as django_cache
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import timezone
from paypalserversdk.configuration import Environment
from paypalserversdk.exceptions.api_exception import ApiException
from paypalserversdk.exceptions.error_exception import ErrorException
from paypalserversdk.http.auth.o_auth_2 import ClientCredentialsAuthCredentials
from paypalserversdk.models.amount_with_breakdown import AmountWithBreakdown
from paypalserversdk.models.checkout_payment_intent import CheckoutPaymentIntent
from paypalserversdk.models.money import Money
from paypalserversdk.models.order_request import OrderRequest
from paypalserversdk.models.payment_source import PaymentSource
from paypalserversdk.models.paypal_experience_user_action import PaypalExperienceUserAction
from paypalserversdk.models.paypal_wallet import PaypalWallet
from paypalserversdk.models.paypal_wallet_context_shipping_preference import (
    PaypalWalletContextShippingPreference,
)
from paypalserversdk.models.paypal_wallet_experience_context import (
    PaypalWalletExperienceContext,
)
from paypalserversdk.models.purchase_unit_request import PurchaseUnitRequest
from paypalserversdk.models.refund_request import RefundRequest
from paypalserversdk.paypal_serversdk_client import PaypalServersdkClient

logger = logging.getLogger(__name__)

# A webhook older than this is refused, so a captured delivery cannot be replayed later.
WEBHOOK_MAX_AGE = timedelta(minutes=10)


class PaymentError(Exception):
    """PayPal refused or failed. `message` can be shown; `retry` says whether trying again helps."""

    def __init__(self, message: str, *, retry: bool = False, code: str = ""):
        super().__init__(message)
        self.message, self.retry, self.code = message, retry, code


@dataclass(frozen=True)
class Order:
    order_id: str
    status: str  # CREATED, APPROVED, COMPLETED, ...
    approve_url: str = ""
    amount: Decimal | None = None
    currency: str = ""
    capture_id: str = ""
    capture_status: str = ""


@dataclass(frozen=True)
class Capture:
    order_id: str
    status: str  # COMPLETED, PENDING, DECLINED, FAILED
    capture_id: str
    amount: Decimal
    currency: str
    paypal_fee: Decimal | None = None
    platform_fee: Decimal | None = None
    net_amount: Decimal | None = None


@dataclass(frozen=True)
class RefundResult:
    refund_id: str
    status: str  # COMPLETED, PENDING, FAILED, CANCELLED


class Gateway(Protocol):
    provider: str

    def create_order(
        self, *, booking, request_id: str, return_url: str, cancel_url: str, locale: str
    ) -> Order: ...
    def get_order(self, order_id: str) -> Order: ...
    def capture_order(self, *, order_id: str, request_id: str) -> Capture: ...
    def refund_capture(
        self, *, capture_id: str, amount: Decimal, currency: str, request_id: str
    ) -> RefundResult: ...
    def verify_webhook(self, *, headers, body: bytes) -> bool: ...


def gateway() -> Gateway:
    mode = settings.PAYPAL_MODE
    if mode == "twin":
        if not (settings.DEBUG or settings.PAYPAL_TWIN_ALLOWED):
            raise ImproperlyConfigured(
                "PAYPAL_MODE=twin (the local PayPal stand-in) needs DEBUG or PAYPAL_TWIN_ALLOWED=1."
            )
        return TwinGateway()
    if mode in ("sandbox", "live"):
        return PayPalGateway(
            client_id=settings.PAYPAL_CLIENT_ID,
            client_secret=settings.PAYPAL_CLIENT_SECRET,
            live=mode == "live",
        )
    raise ImproperlyConfigured(f"Unknown PAYPAL_MODE {mode!r}: use twin, sandbox or live.")


# Where an order's approve link sends the browser. The booking form's POST is answered with a
# redirect there, and browsers check such redirects against the page's CSP form-action.
APPROVAL_ORIGINS = {
    "sandbox": "https://www.sandbox.paypal.com",
    "live": "https://www.paypal.com",
}


def approval_origins() -> list[str]:
    """Origins outside this site that the approval step lives on (none for the twin)."""
    origin = APPROVAL_ORIGINS.get(settings.PAYPAL_MODE)
    return [origin] if origin else []


def money(amount: Decimal) -> str:
    """PayPal wants amounts as strings with exactly two decimals."""
    return f"{Decimal(amount).quantize(Decimal('0.01'))}"


def purchase_unit(booking) -> PurchaseUnitRequest:
    """The one place that decides what an order says: amount, references, payee and fee.

    Until coaches connect their own PayPal accounts (DESIGN.md, money flow), the platform's
    account receives the payment and no platform fee is split off; onboarding changes only this.
    """
    return PurchaseUnitRequest(
        reference_id=booking.reference,
        custom_id=booking.reference,
        invoice_id=booking.reference,
        description=f"{booking.session_name} ({booking.practice.name})"[:127],
        amount=AmountWithBreakdown(currency_code=booking.currency, value=money(booking.price)),
    )


class PayPalGateway:
    provider = "paypal"

    def __init__(self, *, client_id: str, client_secret: str, live: bool):
        if not client_id or not client_secret:
            raise ImproperlyConfigured("PAYPAL_CLIENT_ID and PAYPAL_CLIENT_SECRET are required.")
        self.client = _sdk_client(client_id, client_secret, live)

    def create_order(self, *, booking, request_id, return_url, cancel_url, locale) -> Order:
        body = OrderRequest(
            intent=CheckoutPaymentIntent.CAPTURE,
            purchase_units=[purchase_unit(booking)],
            payment_source=PaymentSource(
                paypal=PaypalWallet(
                    experience_context=PaypalWalletExperienceContext(
                        brand_name="SofaDoc",
                        locale=locale,
                        shipping_preference=PaypalWalletContextShippingPreference.NO_SHIPPING,
                        user_action=PaypalExperienceUserAction.PAY_NOW,
                        return_url=return_url,
                        cancel_url=cancel_url,
                    )
                )
            ),
        )
        result = self._call(
            self.client.orders.create_order,
            {"body": body, "paypal_request_id": request_id, "prefer": "return=representation"},
        )
        return _order(result)

    def get_order(self, order_id: str) -> Order:
        return _order(self._call(self.client.orders.get_order, {"id": order_id}))

    def capture_order(self, *, order_id, request_id) -> Capture:
        try:
            result = self._call(
                self.client.orders.capture_order,
                {
                    "id": order_id,
                    "paypal_request_id": request_id,
                    "prefer": "return=representation",
                },
            )
        except PaymentError as error:
            if error.code != "ORDER_ALREADY_CAPTURED":
                raise
            # Someone (a retry, the webhook) finished it first: read what PayPal has.
            order = self.get_order(order_id)
            return Capture(
                order_id, order.capture_status, order.capture_id, order.amount, order.currency
            )
        order = _order(result)
        capture = result.purchase_units[0].payments.captures[0]
        breakdown = getattr(capture, "seller_receivable_breakdown", None)
        return Capture(
            order_id=order.order_id,
            status=capture.status,
            capture_id=capture.id,
            amount=Decimal(capture.amount.value),
            currency=capture.amount.currency_code,
            paypal_fee=_value(getattr(breakdown, "paypal_fee", None)),
            platform_fee=_sum_fees(getattr(breakdown, "platform_fees", None)),
            net_amount=_value(getattr(breakdown, "net_amount", None)),
        )

    def refund_capture(self, *, capture_id, amount, currency, request_id) -> RefundResult:
        result = self._call(
            self.client.payments.refund_captured_payment,
            {
                "capture_id": capture_id,
                "paypal_request_id": request_id,
                "prefer": "return=representation",
                "body": RefundRequest(amount=Money(currency_code=currency, value=money(amount))),
            },
        )
        return RefundResult(refund_id=result.id, status=result.status)

    def verify_webhook(self, *, headers, body: bytes) -> bool:
        """Ask PayPal's verification endpoint; anything but SUCCESS (or an error) is a no."""
        try:
            event = json.loads(body)
            token = self.client.oauth_2.fetch_token().access_token
            response = requests.post(
                self.client.config.get_base_uri() + "/v1/notifications/verify-webhook-signature",
                json={
                    "auth_algo": headers.get("PAYPAL-AUTH-ALGO", ""),
                    "cert_url": headers.get("PAYPAL-CERT-URL", ""),
                    "transmission_id": headers.get("PAYPAL-TRANSMISSION-ID", ""),
                    "transmission_sig": headers.get("PAYPAL-TRANSMISSION-SIG", ""),
                    "transmission_time": headers.get("PAYPAL-TRANSMISSION-TIME", ""),
                    "webhook_id": settings.PAYPAL_WEBHOOK_ID,
                    "webhook_event": event,
                },
                headers={"Authorization": f"Bearer {token}"},
                timeout=10,
            )
            return response.ok and response.json().get("verification_status") == "SUCCESS"
        except (ValueError, requests.RequestException, ApiException) as error:
            logger.warning("paypal webhook verification failed: %s", type(error).__name__)
            return False

    @staticmethod
    def _call(method, options: dict):
        try:
            response = method(options)
        except ErrorException as error:
            code = error.details[0].issue if error.details else (error.name or "")
            logger.warning("paypal refused: %s %s", code, error.debug_id)
            raise PaymentError(
                error.details[0].description if error.details else str(error.message),
                retry=code in {"INSTRUMENT_DECLINED", "PAYER_ACTION_REQUIRED"},
                code=code,
            ) from error
        except (ApiException, requests.RequestException) as error:
            logger.warning("paypal unreachable or failed: %s", type(error).__name__)
            raise PaymentError("PayPal is not reachable right now.", retry=True) from error
        return response.body


@cache
def _sdk_client(client_id: str, client_secret: str, live: bool) -> PaypalServersdkClient:
    # One client per process, so its OAuth token is reused until it expires.
    return PaypalServersdkClient(
        client_credentials_auth_credentials=ClientCredentialsAuthCredentials(
            o_auth_client_id=client_id, o_auth_client_secret=client_secret
        ),
        environment=Environment.PRODUCTION if live else Environment.SANDBOX,
        timeout=15,
    )


def _order(body) -> Order:
    approve = next(
        (link.href for link in body.links or [] if link.rel in ("payer-action", "approve")), ""
    )
    unit = body.purchase_units[0] if body.purchase_units else None
    capture = None
    if unit is not None and getattr(unit, "payments", None) and unit.payments.captures:
        capture = unit.payments.captures[0]
    amount = getattr(unit, "amount", None)
    return Order(
        order_id=body.id,
        status=body.status,
        approve_url=approve,
        amount=Decimal(amount.value) if amount else None,
        currency=amount.currency_code if amount else "",
        capture_id=capture.id if capture else "",
        capture_status=capture.status if capture else "",
    )


def _value(money_model) -> Decimal | None:
    return Decimal(money_model.value) if money_model is not None else None


def _sum_fees(fees) -> Decimal | None:
    if not fees:
        return None
    return sum((Decimal(fee.amount.value) for fee in fees), Decimal("0"))


class TwinGateway:
    """PayPal's part played locally: orders live in the cache, approval is a page of our own."""

    provider = "twin"
    TTL = 6 * 60 * 60

    def create_order(self, *, booking, request_id, return_url, cancel_url, locale) -> Order:
        key = f"paypal-twin:request:{request_id}"
        order_id = django_cache.get(key) or f"TWIN-{uuid.uuid4().hex[:17].upper()}"
        django_cache.set(key, order_id, self.TTL)
        state = django_cache.get(self._key(order_id)) or {
            "status": "CREATED",
            "amount": money(booking.price),
            "currency": booking.currency,
            "return_url": return_url,
            "cancel_url": cancel_url,
            "reference": booking.reference,
        }
        self._save(order_id, state)
        return Order(
            order_id,
            state["status"],
            approve_url=reverse("bookings:twin_approve", args=[order_id]),
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
            capture_status="COMPLETED" if state.get("capture_id") else "",
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

    def capture_order(self, *, order_id, request_id) -> Capture:
        state = self._load(order_id)
        if state["status"] == "CREATED":
            raise PaymentError("The payment was not approved.", code="ORDER_NOT_APPROVED")
        if state["status"] == "APPROVED":
            state.update(status="COMPLETED", capture_id=f"TWINCAP-{uuid.uuid4().hex[:12].upper()}")
            self._save(order_id, state)
        return Capture(
            order_id, "COMPLETED", state["capture_id"], Decimal(state["amount"]), state["currency"]
        )

    def refund_capture(self, *, capture_id, amount, currency, request_id) -> RefundResult:
        key = f"paypal-twin:refund:{request_id}"
        refund_id = django_cache.get(key) or f"TWINREF-{uuid.uuid4().hex[:12].upper()}"
        django_cache.set(key, refund_id, self.TTL)
        return RefundResult(refund_id, "COMPLETED")

    def verify_webhook(self, *, headers, body: bytes) -> bool:
        return False  # the twin sends no webhooks; nothing may pretend to be it

    def _key(self, order_id: str) -> str:
        return f"paypal-twin:order:{order_id}"

    def _load(self, order_id: str) -> dict:
        state = django_cache.get(self._key(order_id))
        if state is None:
            raise PaymentError("This payment is unknown or has expired.", code="RESOURCE_NOT_FOUND")
        return state

    def _save(self, order_id: str, state: dict) -> None:
        django_cache.set(self._key(order_id), state, self.TTL)


def webhook_is_fresh(transmission_time: str, now: datetime | None = None) -> bool:
    try:
        sent = datetime.fromisoformat(transmission_time.replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        return False
    if sent.tzinfo is None:
        return False
    return abs((now or timezone.now()) - sent) <= WEBHOOK_MAX_AGE
