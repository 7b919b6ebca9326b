"""PayPal's partner side, over plain HTTP: seller onboarding (Partner Referrals v2), a seller's
merchant-integration status, and transaction search for reconciliation.

The SDK has none of these, so they go through `requests` with an OAuth token of our own
(client credentials, cached until shortly before it expires). The PayPal provider class in
`providers/paypal.py` inherits `PayPalPartnerMixin`; `PayPalPartnerMixin()` also works alone with
the settings' credentials. Every call has a timeout; a failure raises `PartnerError`, which the
callers turn into a message and a 503 (a view) or a retry (a task), never a 500.
"""

from __future__ import annotations

import base64
import json
import logging
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

import requests
from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

TIMEOUT = 10  # seconds for one call; a coach is waiting on most of them
HOSTS = {"live": "https://api-m.paypal.com", "sandbox": "https://api-m.sandbox.paypal.com"}
# The scopes PayPal lists in oauth_integrations for the three features we ask for.
REQUIRED_SCOPES = {
    "PAYMENT": "https://uri.paypal.com/services/payments/realtimepayment",
    "REFUND": "https://uri.paypal.com/services/payments/refund",
    "PARTNER_FEE": "https://uri.paypal.com/services/payments/partnerfee",
}
SEARCH_PAGE_SIZE = 500  # PayPal's maximum


class PartnerError(Exception):
    """PayPal refused or could not be reached. `status` is PayPal's HTTP status (0: no answer)."""

    def __init__(self, message: str, *, status: int = 0):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Referral:
    action_url: str  # where the coach signs up / signs in and consents


@dataclass(frozen=True)
class IntegrationStatus:
    """What PayPal says about one seller; the only source of the MerchantAccount flags."""

    merchant_id: str
    tracking_id: str
    payments_receivable: bool
    primary_email_confirmed: bool
    granted_features: frozenset[str] = field(default_factory=frozenset)

    @property
    def permissions_granted(self) -> bool:
        return set(REQUIRED_SCOPES) <= self.granted_features


@dataclass(frozen=True)
class Transaction:
    """One row of PayPal's transaction search, reduced to what reconciliation compares."""

    transaction_id: str
    event_code: str  # T0006 checkout payment, T1107 refund, ...
    amount: Decimal
    fee: Decimal  # negative: what PayPal kept
    currency: str
    status: str  # S success, P pending, D denied, V reversed
    initiated_at: str


def auth_assertion(*, client_id: str, merchant_id: str) -> str:
    """PayPal-Auth-Assertion: an unsigned JWT naming the seller we act for."""

    def part(data: dict) -> str:
        raw = json.dumps(data, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    return f"{part({'alg': 'none'})}.{part({'iss': client_id, 'payer_id': merchant_id})}."


class PayPalPartnerMixin:
    """Partner calls for the PayPal provider; works on its own with the settings' credentials."""

    def _partner_credentials(self) -> tuple[str, str, str]:
        mode = "live" if settings.PAYPAL_MODE == "live" else "sandbox"
        return HOSTS[mode], settings.PAYPAL_CLIENT_ID, settings.PAYPAL_CLIENT_SECRET

    def _partner_token(self) -> str:
        base, client_id, secret = self._partner_credentials()
        key = f"paypal:partner-token:{client_id}"
        token = cache.get(key)
        if token:
            return token
        try:
            response = requests.post(
                f"{base}/v1/oauth2/token",
                data={"grant_type": "client_credentials"},
                auth=(client_id, secret),
                headers={"Accept": "application/json"},
                timeout=TIMEOUT,
            )
        except requests.RequestException as error:
            raise PartnerError(f"token: {type(error).__name__}") from error
        if not response.ok:
            raise PartnerError("token refused", status=response.status_code)
        body = response.json()
        # A minute early, so a token never expires on its way to PayPal.
        cache.set(key, body["access_token"], max(int(body.get("expires_in", 0)) - 60, 1))
        return body["access_token"]

    def _partner_call(self, method: str, path: str, *, merchant_id: str = "", **kwargs) -> dict:
        base, client_id, _secret = self._partner_credentials()
        headers = {
            "Authorization": f"Bearer {self._partner_token()}",
            "Content-Type": "application/json",
        }
        # The setting comes with the payments seam (`pay`); absent, no header is sent.
        attribution = getattr(settings, "PAYPAL_PARTNER_ATTRIBUTION_ID", "")
        if attribution:
            headers["PayPal-Partner-Attribution-Id"] = attribution
        if merchant_id:
            headers["PayPal-Auth-Assertion"] = auth_assertion(
                client_id=client_id, merchant_id=merchant_id
            )
        try:
            response = requests.request(
                method, base + path, headers=headers, timeout=TIMEOUT, **kwargs
            )
        except requests.RequestException as error:
            logger.warning("paypal partner %s unreachable: %s", path, type(error).__name__)
            raise PartnerError(type(error).__name__) from error
        if not response.ok:
            logger.warning(
                "paypal partner %s refused: %s %s",
                path,
                response.status_code,
                response.headers.get("Paypal-Debug-Id", ""),
            )
            raise PartnerError(response.text[:200], status=response.status_code)
        return response.json()

    # --- Onboarding ---------------------------------------------------------------------------
    def create_referral(self, *, tracking_id: str, return_url: str) -> Referral:
        """A partner referral asking for payments, refunds and our platform fee."""
        body = {
            "tracking_id": tracking_id,
            "operations": [
                {
                    "operation": "API_INTEGRATION",
                    "api_integration_preference": {
                        "rest_api_integration": {
                            "integration_method": "PAYPAL",
                            "integration_type": "THIRD_PARTY",
                            "third_party_details": {"features": list(REQUIRED_SCOPES)},
                        }
                    },
                }
            ],
            "products": ["EXPRESS_CHECKOUT"],
            "legal_consents": [{"type": "SHARE_DATA_CONSENT", "granted": True}],
            "partner_config_override": {"return_url": return_url},
            "preferred_language_code": "de-DE",
        }
        answer = self._partner_call("POST", "/v2/customer/partner-referrals", json=body)
        action = next(
            (link["href"] for link in answer.get("links", []) if link.get("rel") == "action_url"),
            "",
        )
        if not action.startswith(("https://www.paypal.com/", "https://www.sandbox.paypal.com/")):
            raise PartnerError("referral without a PayPal action_url")
        return Referral(action_url=action)

    def merchant_id_for_tracking(self, *, tracking_id: str) -> str:
        """The seller PayPal has for *our* tracking id: nothing the browser brought back counts."""
        answer = self._partner_call(
            "GET",
            f"/v1/customer/partners/{settings.PAYPAL_PARTNER_MERCHANT_ID}/merchant-integrations",
            params={"tracking_id": tracking_id},
        )
        return str(answer.get("merchant_id", ""))

    def onboarding_status(self, merchant_id: str) -> IntegrationStatus:
        answer = self._partner_call(
            "GET",
            f"/v1/customer/partners/{settings.PAYPAL_PARTNER_MERCHANT_ID}"
            f"/merchant-integrations/{merchant_id}",
        )
        scopes = {
            scope
            for integration in answer.get("oauth_integrations", [])
            for third_party in integration.get("oauth_third_party", [])
            for scope in third_party.get("scopes", [])
        }
        return IntegrationStatus(
            merchant_id=str(answer.get("merchant_id", merchant_id)),
            tracking_id=str(answer.get("tracking_id", "")),
            payments_receivable=answer.get("payments_receivable") is True,
            primary_email_confirmed=answer.get("primary_email_confirmed") is True,
            granted_features=frozenset(
                feature for feature, scope in REQUIRED_SCOPES.items() if scope in scopes
            ),
        )

    # --- Reconciliation -----------------------------------------------------------------------
    def search_transactions(
        self, *, merchant_id: str, start: datetime, end: datetime
    ) -> list[Transaction]:
        """Every transaction of the seller in [start, end) (at most 31 days), all pages."""
        found: list[Transaction] = []
        page, pages = 1, 1
        while page <= pages:
            answer = self._partner_call(
                "GET",
                "/v1/reporting/transactions",
                merchant_id=merchant_id,
                params={
                    "start_date": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "end_date": end.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "fields": "transaction_info",
                    "page_size": SEARCH_PAGE_SIZE,
                    "page": page,
                },
            )
            pages = int(answer.get("total_pages") or 1)
            for detail in answer.get("transaction_details", []):
                found.append(_transaction(detail.get("transaction_info", {})))
            page += 1
        return found


def _transaction(info: dict) -> Transaction:
    amount = info.get("transaction_amount") or {}
    fee = info.get("fee_amount") or {}
    return Transaction(
        transaction_id=str(info.get("transaction_id", "")),
        event_code=str(info.get("transaction_event_code", "")),
        amount=Decimal(amount.get("value", "0")),
        fee=Decimal(fee.get("value", "0")),
        currency=str(amount.get("currency_code", "")),
        status=str(info.get("transaction_status", "")),
        initiated_at=str(info.get("transaction_initiation_date", "")),
    )
