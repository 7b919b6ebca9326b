"""The provider interface: what payments asks of PayPal (or of its local twin).

pretix's BasePaymentProvider in small: the services speak OrderSpec, Order, Capture and
RefundResult, never an SDK model, and the provider of a payment is found again from
`Payment.provider` (`provider_for`), so a payment made through the twin is never refunded at
PayPal, and the other way round.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

from sofadoc.errors import ShownError

if TYPE_CHECKING:
    from coaching.payments.providers.paypal_partner import (
        IntegrationStatus,
        Referral,
        Transaction,
    )


class PaymentError(ShownError):
    """The provider refused or failed. `message` can be shown; `retry` says whether trying again
    helps (the provider was unreachable or asks the payer to try again)."""

    def __init__(self, message: Any, *, retry: bool = False, code: str = "") -> None:
        super().__init__(message)
        self.retry, self.code = retry, code


class VerifierUnavailable(Exception):
    """The webhook's signature could not be checked now (PayPal's certificate could not be
    fetched): answered 503 so PayPal delivers again."""


@dataclass(frozen=True)
class OrderSpec:
    """Everything an order says, decided by `coaching/payments/orders.py:order_spec`."""

    reference: str  # invoice_id and custom_id at PayPal
    description: str
    amount: Decimal
    currency: str
    payee_merchant_id: str  # the coach's own PayPal account receives the money
    platform_fee: Decimal  # SofaDoc's share, paid to the partner's account by PayPal
    request_id: str  # PayPal-Request-Id: a retry gets the first answer, not a second order
    return_url: str
    cancel_url: str
    locale: str  # de-DE, en-DE


@dataclass(frozen=True)
class Order:
    order_id: str
    status: str  # CREATED, PAYER_ACTION_REQUIRED, APPROVED, COMPLETED, ...
    approve_url: str = ""
    amount: Decimal | None = None
    currency: str = ""
    capture_id: str = ""
    capture_status: str = ""


@dataclass(frozen=True)
class Capture:
    """A capture with its seller_receivable_breakdown (None where PayPal sent no figure)."""

    order_id: str
    status: str  # COMPLETED, PENDING, DECLINED, FAILED
    capture_id: str
    amount: Decimal
    currency: str
    paypal_fee: Decimal | None = None
    platform_fee: Decimal | None = None
    net_amount: Decimal | None = None


@dataclass(frozen=True)
class RefundSpec:
    capture_id: str
    amount: Decimal
    currency: str
    platform_fee: Decimal  # SofaDoc's fee given back with it (RefundPaymentInstruction)
    payee_merchant_id: str  # refunded on the coach's behalf (PayPal-Auth-Assertion)
    request_id: str


@dataclass(frozen=True)
class RefundResult:
    """A refund with its seller_payable_breakdown (None where PayPal sent no figure)."""

    refund_id: str
    status: str  # COMPLETED, PENDING, FAILED, CANCELLED
    paypal_fee: Decimal | None = None  # PayPal's fee returned to the coach
    platform_fee: Decimal | None = None  # SofaDoc's fee returned to the coach


class Provider(Protocol):
    name: str

    def create_order(self, spec: OrderSpec) -> Order: ...
    def get_order(self, order_id: str) -> Order: ...
    def capture(self, *, order_id: str, request_id: str) -> Capture: ...
    def refund(self, spec: RefundSpec) -> RefundResult: ...
    def verify_webhook(self, *, headers: Mapping[str, str], body: bytes) -> bool:
        """True only for a delivery signed by the provider over exactly `body`. Raises
        VerifierUnavailable when it cannot tell now."""
        ...

    # The partner side (providers/paypal_partner.py, providers/twin_partner.py).
    def create_referral(self, *, tracking_id: str, return_url: str) -> Referral: ...
    def merchant_id_for_tracking(self, *, tracking_id: str) -> str: ...
    def onboarding_status(self, merchant_id: str) -> IntegrationStatus: ...
    def search_transactions(
        self, *, merchant_id: str, start: datetime, end: datetime
    ) -> list[Transaction]: ...
