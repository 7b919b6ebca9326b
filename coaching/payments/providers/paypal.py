"""PayPal's REST API through `paypal-server-sdk` (HTTP via `requests`, so tests fake it with
`responses` at the URLs the SDK calls). The only module that builds SDK models.

Orders name the coach as payee with SofaDoc's fee in `payment_instruction.platform_fees` and carry
our partner attribution id; refunds are made on the coach's behalf (PayPal-Auth-Assertion) and
give the fee share back (RefundPaymentInstruction). Every call carries a PayPal-Request-Id, so a
retry is answered with the first result instead of a second charge.
"""

from __future__ import annotations

import base64
import json
import logging
from decimal import Decimal
from functools import cache

import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from paypalserversdk.configuration import Environment
from paypalserversdk.exceptions.api_exception import ApiException
from paypalserversdk.exceptions.error_exception import ErrorException
from paypalserversdk.http.auth.o_auth_2 import ClientCredentialsAuthCredentials
from paypalserversdk.models.amount_with_breakdown import AmountWithBreakdown
from paypalserversdk.models.checkout_payment_intent import CheckoutPaymentIntent
from paypalserversdk.models.money import Money
from paypalserversdk.models.order_request import OrderRequest
from paypalserversdk.models.payee_base import PayeeBase
from paypalserversdk.models.payment_instruction import PaymentInstruction
from paypalserversdk.models.payment_source import PaymentSource
from paypalserversdk.models.paypal_experience_landing_page import PaypalExperienceLandingPage
from paypalserversdk.models.paypal_experience_user_action import PaypalExperienceUserAction
from paypalserversdk.models.paypal_wallet import PaypalWallet
from paypalserversdk.models.paypal_wallet_context_shipping_preference import (
    PaypalWalletContextShippingPreference,
)
from paypalserversdk.models.paypal_wallet_experience_context import (
    PaypalWalletExperienceContext,
)
from paypalserversdk.models.platform_fee import PlatformFee
from paypalserversdk.models.purchase_unit_request import PurchaseUnitRequest
from paypalserversdk.models.refund_payment_instruction import RefundPaymentInstruction
from paypalserversdk.models.refund_platform_fee import RefundPlatformFee
from paypalserversdk.models.refund_request import RefundRequest
from paypalserversdk.paypal_serversdk_client import PaypalServersdkClient

from coaching.payments.providers import paypal_signature
from coaching.payments.providers.base import (
    Capture,
    Order,
    OrderSpec,
    PartnerStubs,
    PaymentError,
    RefundResult,
    RefundSpec,
)
from coaching.payments.providers.paypal_partner import PayPalPartnerMixin

logger = logging.getLogger(__name__)


def money(amount: Decimal) -> str:
    """PayPal wants amounts as strings with exactly two decimals."""
    return f"{Decimal(amount).quantize(Decimal('0.01'))}"


def auth_assertion(*, client_id: str, merchant_id: str) -> str:
    """PayPal-Auth-Assertion: an unsigned JWT saying "the partner acts for this merchant"."""

    def part(data: dict) -> str:
        raw = json.dumps(data, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    return f"{part({'alg': 'none'})}.{part({'iss': client_id, 'payer_id': merchant_id})}."


def purchase_unit(spec: OrderSpec) -> PurchaseUnitRequest:
    return PurchaseUnitRequest(
        reference_id=spec.reference,
        custom_id=spec.reference,
        invoice_id=spec.reference,
        description=spec.description[:127],
        amount=AmountWithBreakdown(currency_code=spec.currency, value=money(spec.amount)),
        payee=PayeeBase(merchant_id=spec.payee_merchant_id),
        payment_instruction=PaymentInstruction(
            platform_fees=[
                PlatformFee(
                    amount=Money(currency_code=spec.currency, value=money(spec.platform_fee))
                )
            ]
        ),
    )


class PayPalProvider(PayPalPartnerMixin, PartnerStubs):
    name = "paypal"

    def __init__(self, *, client_id: str, client_secret: str, live: bool):
        if not client_id or not client_secret:
            raise ImproperlyConfigured("PAYPAL_CLIENT_ID and PAYPAL_CLIENT_SECRET are required.")
        self.client_id = client_id
        self.client = _sdk_client(client_id, client_secret, live)

    def create_order(self, spec: OrderSpec) -> Order:
        body = OrderRequest(
            intent=CheckoutPaymentIntent.CAPTURE,
            purchase_units=[purchase_unit(spec)],
            payment_source=PaymentSource(
                paypal=PaypalWallet(
                    experience_context=PaypalWalletExperienceContext(
                        brand_name="SofaDoc",
                        locale=spec.locale,
                        # GUEST_CHECKOUT: card or direct debit without a PayPal account.
                        landing_page=PaypalExperienceLandingPage.GUEST_CHECKOUT,
                        shipping_preference=PaypalWalletContextShippingPreference.NO_SHIPPING,
                        user_action=PaypalExperienceUserAction.PAY_NOW,
                        return_url=spec.return_url,
                        cancel_url=spec.cancel_url,
                    )
                )
            ),
        )
        result = self._call(
            self.client.orders.create_order,
            {
                "body": body,
                "paypal_request_id": spec.request_id,
                "paypal_partner_attribution_id": settings.PAYPAL_PARTNER_ATTRIBUTION_ID or None,
                "prefer": "return=representation",
            },
        )
        return _order(result)

    def get_order(self, order_id: str) -> Order:
        return _order(self._call(self.client.orders.get_order, {"id": order_id}))

    def capture(self, *, order_id: str, request_id: str) -> Capture:
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
            result = self._call(self.client.orders.get_order, {"id": order_id})
        order = _order(result)
        units = result.purchase_units or []
        payments = getattr(units[0], "payments", None) if units else None
        if not payments or not payments.captures:
            raise PaymentError("PayPal sent no capture.", retry=True, code="NO_CAPTURE")
        capture = payments.captures[0]
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

    def refund(self, spec: RefundSpec) -> RefundResult:
        fields = {"amount": Money(currency_code=spec.currency, value=money(spec.amount))}
        if spec.platform_fee > 0:
            fee = Money(currency_code=spec.currency, value=money(spec.platform_fee))
            fields["payment_instruction"] = RefundPaymentInstruction(
                platform_fees=[RefundPlatformFee(amount=fee)]
            )
        body = RefundRequest(**fields)
        options = {
            "capture_id": spec.capture_id,
            "paypal_request_id": spec.request_id,
            "prefer": "return=representation",
            "body": body,
        }
        if spec.payee_merchant_id:
            options["paypal_auth_assertion"] = auth_assertion(
                client_id=self.client_id, merchant_id=spec.payee_merchant_id
            )
        result = self._call(self.client.payments.refund_captured_payment, options)
        breakdown = getattr(result, "seller_payable_breakdown", None)
        return RefundResult(
            refund_id=result.id,
            status=result.status,
            paypal_fee=_value(getattr(breakdown, "paypal_fee", None)),
            platform_fee=_sum_fees(getattr(breakdown, "platform_fees", None)),
        )

    def verify_webhook(self, *, headers, body: bytes) -> bool:
        """PayPal's documented offline method over exactly the bytes received (issue 24 #10)."""
        return paypal_signature.verify(
            headers=headers, body=body, webhook_id=settings.PAYPAL_WEBHOOK_ID
        )

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
