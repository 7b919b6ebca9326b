""" "PayPal verbinden": the coach's onboarding step, its return leg, and the twin's sign-up page.

Only ever the requester's own practice; the services decide everything (onboarding.py).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coaching.payments.models import MerchantAccount, MerchantStatus
from coaching.payments.onboarding import (
    OnboardingError,
    merchant_account_for,
    merchant_connect_start,
    merchant_missing,
    merchant_refresh,
    merchant_return,
    on_consent_revoked,
    partner_for,
)
from coaching.payments.providers.twin_partner import twin_seller_decide, twin_seller_revoke
from coaching.practices.models import Practice
from coaching.practices.views.setup import own_practice
from sofadoc.http import AuthenticatedHttpRequest


def _page(request, practice: Practice, *, error: OnboardingError | None = None) -> HttpResponse:
    account = merchant_account_for(practice=practice)
    has_paid_types = practice.session_types.filter(is_active=True, price__gt=0).exists()
    context = {
        "practice": practice,
        "account": account,
        "missing": merchant_missing(account=account),
        "has_paid_types": has_paid_types,
        "is_twin": account is not None and account.provider == "twin",
        "error": error.message if error else "",
        "active": "paypal",
    }
    status = error.status if error else 200
    return render(request, "payments/onboarding_status.html", context, status=status)


@own_practice
@require_http_methods(["GET", "POST"])
def onboarding(request: AuthenticatedHttpRequest, practice: Practice) -> HttpResponse:
    """GET: what is connected and what is missing. POST: go to PayPal to connect."""
    if request.method == "GET":
        return _page(request, practice)
    return_url = settings.SITE_URL + reverse("payments_coach:onboarding_return")
    try:
        action_url = merchant_connect_start(
            practice=practice, actor=request.user, return_url=return_url
        )
    except OnboardingError as error:
        return _page(request, practice, error=error)
    return redirect(action_url)


@own_practice
@require_GET
def onboarding_return(request: AuthenticatedHttpRequest, practice: Practice) -> HttpResponse:
    """PayPal sends the coach back here. Only `merchantId` (our tracking id) is read, and only
    to check the return is theirs; the state comes from PayPal."""
    try:
        account = merchant_return(
            practice=practice,
            actor=request.user,
            tracking_id=request.GET.get("merchantId", ""),
        )
    except OnboardingError as error:
        return _page(request, practice, error=error)
    if account.can_receive_payments:
        messages.success(request, _("PayPal is connected. Clients can pay you now."))
    else:
        messages.warning(request, _("PayPal is not ready yet. Please see what is still missing."))
    return redirect("payments_coach:onboarding")


@own_practice
@require_POST
def onboarding_refresh(request: HttpRequest, practice: Practice) -> HttpResponse:
    account = merchant_account_for(practice=practice)
    if account is None:
        return redirect("payments_coach:onboarding")
    try:
        account = merchant_refresh(account=account)
    except OnboardingError as error:
        return _page(request, practice, error=error)
    messages.info(request, _("We asked PayPal again."))
    return redirect("payments_coach:onboarding")


# --- The twin: PayPal's sign-up and consent, played locally -----------------------------------
def _twin_account(request: HttpRequest, practice: Practice, tracking_id: str) -> MerchantAccount:
    account = merchant_account_for(practice=practice)
    if (
        account is None
        or account.provider != "twin"
        or not constant_time_compare(tracking_id, account.tracking_id)
    ):
        raise Http404
    return account


@own_practice
@require_http_methods(["GET", "POST"])
def twin_signup(request: HttpRequest, practice: Practice, tracking_id: str) -> HttpResponse:
    account = _twin_account(request, practice, tracking_id)
    if request.method == "GET":
        context = {"practice": practice, "account": account}
        return render(request, "payments/onboarding_twin.html", context)
    back = partner_for("twin").twin_return_url(tracking_id) or reverse(
        "payments_coach:onboarding_return"
    )
    if "cancel" in request.POST:
        return redirect(back + "?" + urlencode({"merchantId": tracking_id}))
    consent = request.POST.get("consent") == "on"
    seller = twin_seller_decide(
        tracking_id=tracking_id,
        consent=consent,
        email_confirmed=request.POST.get("email_confirmed") == "on",
    )
    # The parameters PayPal appends; the return view reads none of them but merchantId.
    query = {
        "merchantId": tracking_id,
        "merchantIdInPayPal": seller["merchant_id"],
        "permissionsGranted": "true" if consent else "false",
        "isEmailConfirmed": "true" if seller["email_confirmed"] else "false",
    }
    return redirect(back + "?" + urlencode(query))


@own_practice
@require_POST
def twin_revoke(request: HttpRequest, practice: Practice) -> HttpResponse:
    """The demo's stand-in for withdrawing the permission at PayPal: the twin forgets the
    consent and sends the webhook PayPal would send."""
    account = merchant_account_for(practice=practice)
    if account is None or account.provider != "twin" or not account.merchant_id:
        raise Http404
    if account.status == MerchantStatus.ACTIVE:
        twin_seller_revoke(merchant_id=account.merchant_id)
        on_consent_revoked(
            {
                "event_type": "MERCHANT.PARTNER-CONSENT.REVOKED",
                "resource": {"merchant_id": account.merchant_id},
            }
        )
    return redirect("payments_coach:onboarding")
