"""Demo data for payments: the demo coaches' PayPal, connected through the sandbox twin (as if
each had gone through its sign-up page), so clients can book and pay them at once. A visitor can
withdraw the permission on the PayPal page of the practice and connect again."""

from __future__ import annotations

from coaching.payments.models import MerchantAccount, MerchantStatus
from coaching.payments.providers.twin_partner import twin_seller_decide


def connect(practice) -> MerchantAccount:
    """Connect `practice` through the twin. Demo coaches are not real sellers, so they get the
    twin's account even when a real PayPal sandbox is configured (their payee id is the twin's;
    connect a real sandbox seller through the onboarding page to take sandbox payments)."""
    account, _created = MerchantAccount.objects.get_or_create(
        practice=practice, defaults={"provider": "twin"}
    )
    seller = twin_seller_decide(tracking_id=account.tracking_id, consent=True, email_confirmed=True)
    account.merchant_id = seller["merchant_id"]
    account.status = MerchantStatus.ACTIVE
    account.payments_receivable = account.primary_email_confirmed = True
    account.permissions_granted = True
    account.save()
    return account


def ensure_merchant_account(*, practice) -> MerchantAccount:
    """The practice's account if it already takes payments, else connected through the twin."""
    account = MerchantAccount.objects.filter(practice=practice).first()
    if account is not None and account.can_receive_payments:
        return account
    return connect(practice)
