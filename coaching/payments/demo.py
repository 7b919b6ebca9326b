"""Demo coaches can take payments: each gets an ACTIVE merchant account at the PayPal twin, as if
they had connected PayPal (the twin's onboarding plays that step for new coaches)."""

from __future__ import annotations

from django.utils import timezone

from coaching.payments.models import MerchantAccount, MerchantStatus


def ensure_merchant_account(*, practice) -> MerchantAccount:
    account, _created = MerchantAccount.objects.update_or_create(
        practice=practice,
        defaults={
            "provider": "twin",
            "merchant_id": f"TWINMERCH{practice.pk:08d}",
            "status": MerchantStatus.ACTIVE,
            "payments_receivable": True,
            "primary_email_confirmed": True,
            "permissions_granted": True,
            "checked_at": timezone.now(),
        },
    )
    return account


def seed(*, practices) -> int:
    for practice in practices:
        ensure_merchant_account(practice=practice)
    return len(practices)
