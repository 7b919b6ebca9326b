"""The sandbox twin's partner side: PayPal's sign-up and consent played on a local page.

A referral points at `payments_coach:twin_signup`; what the coach chooses there (consent given,
e-mail confirmed) is kept in the cache as PayPal would keep it, and `onboarding_status` answers
from it, so the onboarding code runs the same path as against PayPal. Transaction search
answers from our own ledger: the twin takes no money, so it has nothing to disagree with.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from django.core.cache import cache
from django.urls import reverse

from coaching.payments.providers.paypal_partner import (
    REQUIRED_SCOPES,
    IntegrationStatus,
    PartnerError,
    Referral,
    Transaction,
)

TTL = 90 * 24 * 60 * 60  # a demo's life


def _key(tracking_id: str) -> str:
    return f"paypal-twin:seller:{tracking_id}"


def twin_seller_decide(*, tracking_id: str, consent: bool, email_confirmed: bool) -> dict:
    """What the coach did on the twin's sign-up page; returns the seller as PayPal keeps it."""
    seller = cache.get(_key(tracking_id)) or {
        "merchant_id": "TWIN" + uuid.uuid4().hex[:9].upper(),
        "tracking_id": tracking_id,
    }
    seller.update(consent=consent, email_confirmed=email_confirmed)
    cache.set(_key(tracking_id), seller, TTL)
    cache.set(f"paypal-twin:merchant:{seller['merchant_id']}", tracking_id, TTL)
    return seller


def twin_seller_revoke(*, merchant_id: str) -> None:
    """The coach withdraws the permission 'at PayPal' (the demo's revoke button)."""
    tracking_id = cache.get(f"paypal-twin:merchant:{merchant_id}")
    seller = cache.get(_key(tracking_id)) if tracking_id else None
    if seller:
        seller["consent"] = False
        cache.set(_key(tracking_id), seller, TTL)


class TwinPartnerMixin:
    def create_referral(self, *, tracking_id: str, return_url: str) -> Referral:
        cache.set(f"paypal-twin:return:{tracking_id}", return_url, TTL)
        return Referral(action_url=reverse("payments_coach:twin_signup", args=[tracking_id]))

    def twin_return_url(self, tracking_id: str) -> str:
        return cache.get(f"paypal-twin:return:{tracking_id}") or ""

    def merchant_id_for_tracking(self, *, tracking_id: str) -> str:
        seller = cache.get(_key(tracking_id))
        return seller["merchant_id"] if seller else ""

    def onboarding_status(self, merchant_id: str) -> IntegrationStatus:
        tracking_id = cache.get(f"paypal-twin:merchant:{merchant_id}")
        seller = cache.get(_key(tracking_id)) if tracking_id else None
        if seller is None:
            raise PartnerError("unknown merchant", status=404)
        return IntegrationStatus(
            merchant_id=merchant_id,
            tracking_id=tracking_id,
            payments_receivable=seller["consent"],
            primary_email_confirmed=seller["email_confirmed"],
            granted_features=frozenset(REQUIRED_SCOPES) if seller["consent"] else frozenset(),
        )

    def search_transactions(
        self, *, merchant_id: str, start: datetime, end: datetime
    ) -> list[Transaction]:
        from coaching.payments.models import LedgerEntry, LedgerKind

        rows = LedgerEntry.objects.filter(
            practice__merchant_account__merchant_id=merchant_id,
            occurred_at__gte=start,
            occurred_at__lt=end,
            kind__in=[LedgerKind.CAPTURE_GROSS, LedgerKind.REFUND_GROSS, LedgerKind.PAYPAL_FEE],
        ).values_list("provider_reference", "kind", "amount", "currency", "occurred_at")
        found: dict[str, dict] = {}
        for reference, kind, amount, currency, occurred_at in rows:
            row = found.setdefault(
                reference,
                {"amount": Decimal(0), "fee": Decimal(0), "currency": currency, "at": occurred_at},
            )
            if kind == LedgerKind.PAYPAL_FEE:
                row["fee"] += amount
            else:
                row["amount"] += amount
                row["code"] = "T0006" if kind == LedgerKind.CAPTURE_GROSS else "T1107"
        return [
            Transaction(
                transaction_id=reference,
                event_code=row.get("code", "T0006"),
                amount=row["amount"],
                fee=row["fee"],
                currency=row["currency"],
                status="S",
                initiated_at=row["at"].isoformat(),
            )
            for reference, row in found.items()
        ]
