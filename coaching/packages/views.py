"""Package pages: the coach's offers and their clients' balances ("Meine Praxis"), buying a
package through PayPal, and a client's package with booking from its credits.

Each client package is found through its client (404 for anyone else); each offer through the
signed-in coach's practice.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coaching.bookings.services import BookingError
from coaching.packages.checkout import checkout_redirect
from coaching.packages.checkout import problem as _problem
from coaching.packages.forms import PackageForm, SlotForm
from coaching.packages.models import ClientPackage, ClientPackageState, Package
from coaching.packages.refunds import package_refund_for_unused
from coaching.packages.selectors import client_package_for, package_balances, packages_of_practice
from coaching.packages.services import (
    booking_from_credit,
    client_package_release,
    client_package_start,
    package_line,
    package_save,
)
from coaching.payments.discounts import discount_context, discount_quote, entered_code
from coaching.payments.models import Payment, Purchase
from coaching.payments.providers import PaymentError, approval_origins
from coaching.payments.services import (
    PaymentRefused,
    payment_cancel,
    payment_capture,
)
from coaching.practices.models import Practice
from coaching.practices.selectors import session_type_free_slots
from coaching.practices.views.setup import own_practice
from sofadoc.http import AuthenticatedHttpRequest

BOOKABLE_DAYS = 14


@own_practice
@require_http_methods(["GET", "POST"])
def coach_packages(request: AuthenticatedHttpRequest, practice: Practice) -> HttpResponse:
    """The coach's offers, a form for a new one, and each client's balance."""
    form = PackageForm(request.POST or None, practice=practice)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic(durable=True):
            package_save(package=form.save(commit=False), actor=request.user)
        messages.success(request, _("The package is saved."))
        return redirect("packages:coach")
    context = {
        "practice": practice,
        "packages": packages_of_practice(practice),
        "balances": package_balances(practice),
        "form": form,
        "active": "packages",
    }
    return render(
        request, "packages/coach_packages.html", context, status=400 if form.errors else 200
    )


@own_practice
@require_http_methods(["GET", "POST"])
def coach_package_edit(
    request: AuthenticatedHttpRequest, practice: Practice, package_id: int
) -> HttpResponse:
    package = get_object_or_404(Package, pk=package_id, practice=practice)
    form = PackageForm(request.POST or None, instance=package, practice=practice)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic(durable=True):
            package_save(package=form.save(commit=False), actor=request.user)
        messages.success(request, _("The package is saved."))
        return redirect("packages:coach")
    context = {"practice": practice, "form": form, "package": package, "active": "packages"}
    return render(
        request, "packages/package_form.html", context, status=400 if form.errors else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def package_buy(request: AuthenticatedHttpRequest, slug: str, package_id: int) -> HttpResponse:
    """The terms before paying (sessions, validity, what happens at expiry, the saving), then
    PayPal. A package of another practice is a 404; one not on sale a 409."""
    practice = get_object_or_404(Practice, slug=slug, is_published=True)
    package = get_object_or_404(
        Package.objects.select_related("session_type"), pk=package_id, practice=practice
    )
    back = practice.get_absolute_url()
    code = entered_code(request)
    if request.method == "POST":
        try:
            with transaction.atomic(durable=True):
                client_package = client_package_start(
                    package_id=package.pk, practice=practice, client=request.user, coupon_code=code
                )
        except BookingError as error:
            return _problem(request, error.message, status=409, back=back)
        return checkout_redirect(
            request,
            # client_package_start creates the purchase with the package, in one transaction.
            purchase=cast(Purchase, client_package.purchase),
            reference=client_package.reference,
            url_stem="paypal",
            back=back,
        )
    discount, discount_error = discount_quote(
        code=code,
        practice=practice,
        buyer=request.user,
        lines=[package_line(package)],
        now=timezone.now(),
    )
    price = discount.total if discount else package.price
    context = {
        "practice": practice,
        "package": package,
        "on_sale": package.is_active and package.session_type.is_active,
        "refund_one": package_refund_for_unused(price=price, sessions=package.sessions, unused=1),
        **discount_context(code, discount, discount_error),
    }
    status = 200 if context["on_sale"] else 409
    response = render(
        request, "packages/package_buy.html", context, status=400 if discount_error else status
    )
    # django-csp's per-response addition (an attribute it reads, unknown to HttpResponse's type)
    response._csp_update = {"form-action": approval_origins()}  # type: ignore[attr-defined]
    return response


def _own_held(request: AuthenticatedHttpRequest, reference: str) -> tuple[ClientPackage, Payment]:
    client_package = (
        ClientPackage.objects.select_related("practice")
        .filter(reference=reference, client=request.user)
        .first()
    )
    if client_package is None or not client_package.purchase_id:
        raise Http404
    order_id = request.GET.get("token", "")
    payment = Payment.objects.filter(
        purchase_id=client_package.purchase_id, order_id=order_id
    ).first()
    if payment is None:
        raise Http404
    return client_package, payment


@login_required
@require_GET
def paypal_return(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    client_package, payment = _own_held(request, reference)
    back = client_package.practice.get_absolute_url()
    try:
        with transaction.atomic(durable=True):
            payment_capture(order_id=payment.order_id, actor=request.user)
    except PaymentRefused as error:
        return _problem(request, error.message, status=409, back=back)
    except PaymentError as error:
        return _problem(request, error.message, status=503 if error.retry else 402, back=back)
    client_package.refresh_from_db()
    if client_package.state == ClientPackageState.ACTIVE:
        messages.success(request, _("Your package is paid. Book your sessions from it now."))
    else:
        messages.info(
            request,
            _("PayPal is still processing your payment. Your package starts once it is complete."),
        )
    return redirect("packages:detail", reference=client_package.reference)


@login_required
@require_GET
def paypal_cancel(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    client_package, payment = _own_held(request, reference)
    with transaction.atomic(durable=True):
        payment_cancel(purchase_id=payment.purchase_id, order_id=payment.order_id)
        client_package_release(client_package_id=client_package.pk)
    messages.info(request, _("You cancelled the payment. Nothing was charged."))
    return redirect(client_package.practice.get_absolute_url())


def _bookable_days(client_package: ClientPackage) -> list[tuple[date, list[datetime]]]:
    zone = timezone.get_current_timezone()
    start = datetime.combine(timezone.localdate(), time.min, tzinfo=zone)
    if client_package.expires_at is None:  # not paid yet: nothing to book
        return []
    end = min(start + timedelta(days=BOOKABLE_DAYS), client_package.expires_at)
    session_type = client_package.session_type
    slots = session_type_free_slots(session_type=session_type, start=start, end=end)
    days: dict[date, list[datetime]] = {}
    for slot in slots:
        days.setdefault(timezone.localtime(slot).date(), []).append(slot)
    return sorted(days.items())


@login_required
@require_GET
def package_detail(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    client_package = client_package_for(request.user, reference)
    if client_package is None:
        raise Http404
    usable = (
        client_package.state == ClientPackageState.ACTIVE
        and client_package.expires_at is not None
        and client_package.expires_at > timezone.now()
        and client_package.remaining > 0
    )
    context = {
        "client_package": client_package,
        "credits": client_package.credits.select_related("booking").order_by("created_at", "pk"),
        "days": _bookable_days(client_package) if usable else [],
        "usable": usable,
    }
    return render(request, "packages/package_detail.html", context)


@login_required
@require_POST
def package_book(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    client_package = client_package_for(request.user, reference)
    if client_package is None:
        raise Http404
    back = reverse("packages:detail", args=[reference])
    form = SlotForm(request.POST)
    if not form.is_valid():
        return _problem(
            request, _("This is not a valid time for a session."), status=400, back=back
        )
    try:
        with transaction.atomic(durable=True):
            booking = booking_from_credit(
                client_package=client_package, client=request.user, start=form.cleaned_data["start"]
            )
    except BookingError as error:
        return _problem(request, error.message, status=409, back=back)
    messages.success(request, _("Your session is booked from your package."))
    return redirect("bookings:detail", reference=booking.reference)
