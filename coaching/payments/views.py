"""The PayPal twin's approval page: PayPal's approve/cancel step played locally (demo mode)."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from coaching.payments.providers import PaymentError, twin_provider


@require_http_methods(["GET", "POST"])
def twin_approve(request: HttpRequest, order_id: str) -> HttpResponse:
    """Says it is a sandbox; approving or cancelling sends the browser back as PayPal would."""
    if settings.PAYPAL_MODE != "twin":
        raise Http404
    twin = twin_provider()
    try:
        order = twin.get_order(order_id)
        return_url, cancel_url = twin.redirect_urls(order_id)
    except PaymentError:
        return render(
            request,
            "bookings/problem.html",
            {"message": _("This payment is unknown or has expired.")},
            status=404,
        )
    if request.method == "POST":
        if request.POST.get("action") == "approve":
            twin.approve(order_id)
            return redirect(f"{return_url}?token={order_id}")
        return redirect(f"{cancel_url}?token={order_id}")
    return render(request, "payments/twin_approve.html", {"order": order})
