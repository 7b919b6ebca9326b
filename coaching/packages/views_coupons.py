"""The coach's coupons ("Meine Praxis → Gutscheine"): create, list with their uses, deactivate.

Each coupon is found through the signed-in coach's practice (404 for anyone else's)."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from coaching.packages.coupons import (
    CouponError,
    coupon_deactivate,
    coupon_save,
    coupons_of_practice,
)
from coaching.packages.forms import CouponForm
from coaching.practices.models import Practice
from coaching.practices.views.setup import own_practice
from sofadoc.http import AuthenticatedHttpRequest


@own_practice
@require_http_methods(["GET", "POST"])
def coach_coupons(request: AuthenticatedHttpRequest, practice: Practice) -> HttpResponse:
    form = CouponForm(request.POST or None, practice=practice)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic(durable=True):
                coupon = coupon_save(coupon=form.save(commit=False), actor=request.user)
        except CouponError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The coupon %(code)s is saved.") % {"code": coupon.code})
            return redirect("packages:coupons")
    context = {
        "practice": practice,
        "coupons": coupons_of_practice(practice, now=timezone.now()),
        "form": form,
        "active": "coupons",
    }
    return render(
        request, "packages/coach_coupons.html", context, status=400 if form.errors else 200
    )


@own_practice
@require_POST
def coach_coupon_deactivate(
    request: AuthenticatedHttpRequest, practice: Practice, coupon_id: int
) -> HttpResponse:
    with transaction.atomic(durable=True):
        coupon = coupon_deactivate(coupon_id=coupon_id, actor=request.user)
    if coupon is None:
        raise Http404
    messages.success(request, _("The coupon %(code)s is deactivated.") % {"code": coupon.code})
    return redirect("packages:coupons")
