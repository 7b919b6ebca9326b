"""The one function that decides what an order says: who is paid (the coach's own PayPal account,
never SofaDoc's) and SofaDoc's fee (decided when the purchase was created, fees.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from coaching.payments.models import MerchantAccount, Purchase
from coaching.payments.providers.base import OrderSpec


class PayeeMissing(Exception):
    """The practice has no account that can receive this payment; `message` can be shown."""

    message = _("This coach cannot take payments at the moment. Please try again later.")


def order_spec(
    *,
    purchase: Purchase,
    provider_name: str,
    request_id: str,
    return_url: str,
    cancel_url: str,
    locale: str,
) -> OrderSpec:
    """The order for `purchase`, paid to the practice's merchant account at `provider_name`.

    Refuses (PayeeMissing) when the practice's account is not connected, not receivable, revoked,
    or belongs to another provider (a twin account in live mode is no payee)."""
    account = MerchantAccount.objects.filter(practice_id=purchase.practice_id).first()
    if (
        account is None
        or not account.can_receive_payments
        or not account.merchant_id
        or account.provider != provider_name
    ):
        raise PayeeMissing
    descriptions = [line.description for line in purchase.lines.all()]
    return OrderSpec(
        reference=purchase.reference,
        description=f"{', '.join(descriptions)} ({purchase.practice.name})",
        amount=purchase.total,
        currency=purchase.currency,
        payee_merchant_id=account.merchant_id,
        platform_fee=purchase.platform_fee,
        request_id=request_id,
        return_url=return_url,
        cancel_url=cancel_url,
        locale=locale,
    )
