"""A coach connects their own PayPal business account ("PayPal verbinden").

The flow: `merchant_connect_start` creates a partner referral and sends the coach to PayPal (or
the twin's page); PayPal sends them back to `payments:onboarding_return`, and
`merchant_return` checks that the return belongs to the requester's practice and then asks
PayPal what is true: which seller has *our* tracking id, and that seller's integration status.
Nothing in the return URL is trusted. The webhooks MERCHANT.ONBOARDING.COMPLETED and
MERCHANT.PARTNER-CONSENT.REVOKED (EVENT_HANDLERS, registered into the webhook registry) catch
a coach who never came back, and a coach who withdrew the permission at PayPal.

Remote calls happen outside any lock; the account row is re-read under lock before it changes.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from coaching.payments.models import MerchantAccount, MerchantStatus
from coaching.payments.providers import provider_for
from coaching.payments.providers.paypal_partner import (
    IntegrationStatus,
    PartnerError,
)
from coaching.payments.signals import MoneyEvent, announce
from coaching.practices.models import Practice
from sofadoc.errors import ShownError

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    from sofadoc.accounts.models import User


class OnboardingError(ShownError):
    """Refused, with a message for the coach and the HTTP status the view answers with."""

    def __init__(self, message: Any, *, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def partner_provider_name() -> str:
    return "twin" if settings.PAYPAL_MODE == "twin" else "paypal"


def partner_for(provider: str):
    """The provider whose partner half (referral, status, search) serves this account."""
    return provider_for(provider)


def _check_owner(practice: Practice, actor: User) -> None:
    if actor.pk != practice.owner_id:
        raise PermissionDenied


def merchant_account_for(*, practice: Practice) -> MerchantAccount | None:
    return MerchantAccount.objects.filter(practice=practice).first()


# --- Connecting -------------------------------------------------------------------------------
def merchant_connect_start(*, practice: Practice, actor: User, return_url: str) -> str:
    """Create the referral; returns the URL to send the coach to. Call outside a transaction
    (it waits on PayPal). Raises OnboardingError (503) when PayPal cannot be reached."""
    _check_owner(practice, actor)
    with transaction.atomic(durable=True):
        account, _created = MerchantAccount.objects.get_or_create(
            practice=practice, defaults={"provider": partner_provider_name()}
        )
    try:
        referral = partner_for(account.provider).create_referral(
            tracking_id=account.tracking_id, return_url=return_url
        )
    except PartnerError as error:
        raise OnboardingError(
            _("PayPal cannot be reached right now. Please try again in a few minutes."),
            status=503,
        ) from error
    with transaction.atomic(durable=True):
        MerchantAccount.objects.filter(pk=account.pk, status=MerchantStatus.NOT_CONNECTED).update(
            status=MerchantStatus.PENDING, updated_at=timezone.now()
        )
    return referral.action_url


def merchant_return(*, practice: Practice, actor: User, tracking_id: str) -> MerchantAccount:
    """The coach is back from PayPal. The tracking id in the URL only has to be ours; the state
    comes from PayPal. A forged or foreign id is a 400 and changes nothing; a replayed one
    merely asks PayPal again."""
    _check_owner(practice, actor)
    account = merchant_account_for(practice=practice)
    if account is None or not constant_time_compare(tracking_id or "", account.tracking_id):
        logger.warning("onboarding return refused for practice %s: tracking id", practice.pk)
        raise OnboardingError(_("This return from PayPal does not belong to your practice."))
    return merchant_refresh(account=account)


def merchant_refresh(*, account: MerchantAccount) -> MerchantAccount:
    """Ask PayPal about the seller behind our tracking id and store what it says.

    Call outside a transaction. OnboardingError: 503 when PayPal is unreachable, 409 when the
    seller PayPal names is already connected to another practice.
    """
    partner = partner_for(account.provider)
    try:
        merchant_id = account.merchant_id or partner.merchant_id_for_tracking(
            tracking_id=account.tracking_id
        )
        status = partner.onboarding_status(merchant_id) if merchant_id else None
    except PartnerError as error:
        if error.status == 404:
            status = None  # PayPal knows no seller for us yet: the coach did not finish
        else:
            raise OnboardingError(
                _("PayPal cannot be reached right now. Please try again in a few minutes."),
                status=503,
            ) from error
    if status is not None and status.tracking_id and status.tracking_id != account.tracking_id:
        logger.warning("seller %s answers with another tracking id", status.merchant_id)
        raise OnboardingError(_("This PayPal account belongs to another sign-up."), status=409)
    try:
        with transaction.atomic():
            return _store_status(account_id=account.pk, status=status)
    except IntegrityError as error:
        raise OnboardingError(
            _("This PayPal account is already connected to another practice."), status=409
        ) from error


def _store_status(*, account_id: int, status: IntegrationStatus | None) -> MerchantAccount:
    account = MerchantAccount.objects.select_for_update().get(pk=account_id)
    account.checked_at = timezone.now()
    fields = ["checked_at", "updated_at"]
    if status is not None:
        account.merchant_id = status.merchant_id
        account.payments_receivable = status.payments_receivable
        account.primary_email_confirmed = status.primary_email_confirmed
        account.permissions_granted = status.permissions_granted
        fields += ["merchant_id", "payments_receivable", "primary_email_confirmed"]
        fields.append("permissions_granted")
        complete = (
            status.payments_receivable
            and status.primary_email_confirmed
            and status.permissions_granted
        )
        if complete:
            account.status, account.revoked_at = MerchantStatus.ACTIVE, None
            fields += ["status", "revoked_at"]
        elif account.status != MerchantStatus.REVOKED:
            account.status = MerchantStatus.PENDING
            fields.append("status")
    account.save(update_fields=fields)
    return account


def merchant_missing(*, account: MerchantAccount | None) -> list[str]:
    """What the coach still has to do at PayPal, in their language; empty when connected."""
    if account is None or account.status == MerchantStatus.NOT_CONNECTED:
        return [_("Connect your PayPal business account.")]
    if account.can_receive_payments:
        return []
    missing = []
    if account.status == MerchantStatus.REVOKED and not account.permissions_granted:
        missing.append(
            _("You withdrew SofaDoc's permission at PayPal. Connect PayPal again to take payments.")
        )
        return missing
    if not account.merchant_id:
        missing.append(_("Finish the sign-up at PayPal and agree to SofaDoc's permissions."))
        return missing
    if not account.payments_receivable:
        missing.append(
            _("PayPal cannot accept payments for your account yet. Please check PayPal's notes.")
        )
    if not account.primary_email_confirmed:
        missing.append(_("Confirm your e-mail address at PayPal."))
    if not account.permissions_granted:
        missing.append(
            _("Allow SofaDoc to take payments, issue refunds and collect its fee at PayPal.")
        )
    return missing


def practices_taking_payments(practice_ids) -> set[int]:
    """The gate the practices app asks (registered in `coaching/practices/gates.py`)."""
    return set(
        MerchantAccount.objects.filter(
            practice_id__in=list(practice_ids),
            status=MerchantStatus.ACTIVE,
            payments_receivable=True,
        ).values_list("practice_id", flat=True)
    )


# --- Webhooks (verified events, as dicts) -----------------------------------------------------
def on_onboarding_completed(event: dict) -> str:
    """A seller finished at PayPal (perhaps without coming back): ask PayPal and store it."""
    resource = event.get("resource") or {}
    merchant_id = str(resource.get("merchant_id", ""))
    tracking_id = str(resource.get("tracking_id", ""))
    account = (
        MerchantAccount.objects.filter(merchant_id=merchant_id).first() if merchant_id else None
    ) or (MerchantAccount.objects.filter(tracking_id=tracking_id).first() if tracking_id else None)
    if account is None:
        logger.warning("onboarding webhook refused: merchant %r is not ours", merchant_id)
        return "ignored: merchant not ours"
    try:
        merchant_refresh(account=account)
    except OnboardingError as error:
        if error.status == 503:
            raise PartnerError("retry later", status=503) from error  # 5xx: PayPal retries
        logger.warning("onboarding webhook for %s refused: %s", merchant_id, error.message)
        return "ignored: " + error.message
    return "refreshed"


def on_consent_revoked(event: dict) -> str:
    """The coach withdrew our permission at PayPal: no paid bookings from this moment on
    (the gate reads the status); booked and paid sessions stay as they are."""
    merchant_id = str((event.get("resource") or {}).get("merchant_id", ""))
    with transaction.atomic():
        account = (
            MerchantAccount.objects.select_for_update().filter(merchant_id=merchant_id).first()
            if merchant_id
            else None
        )
        if account is None:
            logger.warning("revocation webhook refused: merchant %r is not ours", merchant_id)
            return "ignored: merchant not ours"
        if account.status == MerchantStatus.REVOKED:
            return "already revoked"
        account.status = MerchantStatus.REVOKED
        account.revoked_at = timezone.now()
        account.payments_receivable = account.permissions_granted = False
        account.save(
            update_fields=[
                "status",
                "revoked_at",
                "payments_receivable",
                "permissions_granted",
                "updated_at",
            ]
        )
        practice_id = account.practice_id
        transaction.on_commit(
            lambda: announce(MoneyEvent(kind="merchant_revoked", practice_id=practice_id))
        )
    return "revoked"


EVENT_HANDLERS = {
    "MERCHANT.ONBOARDING.COMPLETED": on_onboarding_completed,
    "MERCHANT.PARTNER-CONSENT.REVOKED": on_consent_revoked,
}
