"""Series pages: check a recurring series before paying (taken or closed occurrences listed with
alternatives), pay once through PayPal, see it, and cancel the rest with the refund shown first.

A series is found through its client (404 for anyone else), its offer through a published
practice (404 for a session type of another practice).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from coaching.bookings.forms import SlotField
from coaching.bookings.models import Booking, BookingState
from coaching.bookings.services import BookingError, booking_line
from coaching.packages.checkout import checkout_redirect
from coaching.packages.checkout import problem as _problem
from coaching.packages.forms import SeriesForm
from coaching.packages.models import MAX_OCCURRENCES, BookingSeries
from coaching.packages.refunds import series_refund_quote
from coaching.packages.series import Occurrence, series_check
from coaching.packages.series_services import (
    series_bookings,
    series_cancel_rest,
    series_hold,
    series_release,
)
from coaching.payments.discounts import discount_context, discount_quote, entered_code
from coaching.payments.models import Payment
from coaching.payments.providers import PaymentError, approval_origins
from coaching.payments.services import LineSpec, PaymentRefused, payment_capture
from coaching.practices.models import SessionType
from sofadoc.http import AuthenticatedHttpRequest


def _chosen_starts(request: AuthenticatedHttpRequest) -> list[datetime] | None:
    """The occurrences ticked on the check page (UTC ISO each); None if any is not a time."""
    values = request.POST.getlist("occurrence")
    if not 1 <= len(values) <= MAX_OCCURRENCES:
        return None
    field = SlotField()
    try:
        return [field.clean(value) for value in values]
    except Exception:
        return None


def _series_lines(session_type: SessionType, starts: list[datetime]) -> list[LineSpec]:
    """The purchase lines the free occurrences would have (for the price shown first)."""
    return [
        booking_line(
            Booking(
                session_type=session_type,
                session_name=session_type.name,
                price=session_type.price,
                currency=session_type.currency,
                start=start,
            )
        )
        for start in starts
    ]


@dataclass(frozen=True)
class PlanRow:
    """One occurrence as the check page shows it, formatted once here: the template's date,
    time and utc filters cost three localised formats per occurrence (half the page's time
    for 52 of them)."""

    value: str  # the UTC ISO start the form sends back
    label: str  # "Di 2. Jun 2026, 18:00" in the viewer's zone and language
    free: bool
    alternatives: tuple[tuple[str, str], ...]  # (value, "17:30")


def _iso(start: datetime) -> str:
    return start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _plan_rows(plan: list[Occurrence]) -> list[PlanRow]:
    zone = timezone.get_current_timezone()
    rows = []
    for occurrence in plan:
        local = occurrence.start.astimezone(zone)
        rows.append(
            PlanRow(
                value=_iso(occurrence.start),
                label=f"{dateformat.format(local, 'D j. M Y')}, {local:%H:%M}",
                free=occurrence.free,
                alternatives=tuple(
                    (_iso(alternative), f"{alternative.astimezone(zone):%H:%M}")
                    for alternative in occurrence.alternatives
                ),
            )
        )
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def series_start(
    request: AuthenticatedHttpRequest, slug: str, session_type_id: int
) -> HttpResponse:
    session_type = get_object_or_404(
        SessionType.objects.select_related("practice"),
        pk=session_type_id,
        practice__slug=slug,
        practice__is_published=True,
        is_active=True,
    )
    practice = session_type.practice
    back = practice.get_absolute_url()
    form = SeriesForm(request.POST or request.GET or None)
    if not form.is_valid():
        message = _("Please choose a first session, a rhythm and between 1 and %(max)s sessions.")
        return _problem(request, message % {"max": MAX_OCCURRENCES}, status=400, back=back)
    data = form.cleaned_data
    code = entered_code(request)
    if request.method == "POST":
        starts = _chosen_starts(request)
        if starts is None:
            message = _("Please choose at least one session of the series.")
            return _problem(request, message, status=400, back=back)
        try:
            with transaction.atomic(durable=True):
                series = series_hold(
                    client=request.user,
                    practice=practice,
                    session_type_id=session_type.pk,
                    starts=starts,
                    interval_weeks=data["interval_weeks"],
                    coupon_code=code,
                )
        except BookingError as error:
            return _problem(request, error.message, status=409, back=back)
        return checkout_redirect(
            request,
            purchase=series.purchase,
            reference=series.reference,
            url_stem="series_paypal",
            back=back,
        )
    plan = series_check(
        session_type=session_type,
        first_start=data["start"],
        interval_weeks=data["interval_weeks"],
        count=data["count"],
    )
    free = [o for o in plan if o.free]
    discount, discount_error = (
        discount_quote(
            code=code,
            practice=practice,
            buyer=request.user,
            lines=_series_lines(session_type, [o.start for o in free]),
            now=timezone.now(),
        )
        if code and free
        else (None, "")
    )
    context = {
        "practice": practice,
        "session_type": session_type,
        "form": form,
        "plan": _plan_rows(plan),
        "free_count": len(free),
        "total": session_type.price * len(free),
        "own_practice": practice.owner_id == request.user.pk,
        "keep": [(name, form[name].value()) for name in ("start", "interval_weeks", "count")],
        "rhythms": form.fields["interval_weeks"].choices,  # type: ignore[attr-defined]  # a ChoiceField
        "max_count": MAX_OCCURRENCES,
        **discount_context(code, discount, discount_error),
    }
    response = render(
        request, "packages/series_start.html", context, status=400 if discount_error else 200
    )
    # django-csp's per-response addition (an attribute it reads, unknown to HttpResponse's type)
    response._csp_update = {"form-action": approval_origins()}  # type: ignore[attr-defined]
    return response


def _own_series(request: AuthenticatedHttpRequest, reference: str) -> BookingSeries:
    series = (
        BookingSeries.objects.select_related("practice", "session_type")
        .filter(reference=reference, client=request.user)
        .first()
    )
    if series is None:
        raise Http404
    return series


def _series_payment(request: AuthenticatedHttpRequest, series: BookingSeries) -> Payment:
    payment = Payment.objects.filter(
        purchase_id=series.purchase_id, order_id=request.GET.get("token", "")
    ).first()
    if payment is None:
        raise Http404
    return payment


@login_required
@require_GET
def series_paypal_return(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    series = _own_series(request, reference)
    payment = _series_payment(request, series)
    back = series.practice.get_absolute_url()
    try:
        with transaction.atomic(durable=True):
            payment_capture(order_id=payment.order_id, actor=request.user)
    except PaymentRefused as error:
        return _problem(request, error.message, status=409, back=back)
    except PaymentError as error:
        return _problem(request, error.message, status=503 if error.retry else 402, back=back)
    messages.success(request, _("Your series is booked and paid."))
    return redirect("packages:series_detail", reference=series.reference)


@login_required
@require_GET
def series_paypal_cancel(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    series = _own_series(request, reference)
    payment = _series_payment(request, series)
    with transaction.atomic(durable=True):
        series_release(series=series, order_id=payment.order_id, actor=request.user)
    messages.info(
        request, _("You cancelled the payment. Nothing was charged and the times are free again.")
    )
    return redirect(series.practice.get_absolute_url())


@login_required
@require_GET
def series_detail(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    series = _own_series(request, reference)
    bookings = list(series_bookings(series).select_related("practice"))
    quote = series_refund_quote(bookings)
    context = {"series": series, "bookings": bookings, "quote": quote}
    return render(request, "packages/series_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def series_cancel(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """The refund for the rest of the series is shown before the client confirms."""
    series = _own_series(request, reference)
    bookings = list(series_bookings(series).select_related("practice"))
    quote = series_refund_quote(bookings)
    if request.method == "POST":
        if not quote.lines:
            message = _("No upcoming sessions of this series are left to cancel.")
            back = reverse("packages:series_detail", args=[reference])
            return _problem(request, message, status=409, back=back)
        with transaction.atomic(durable=True):
            series_cancel_rest(series=series, actor=request.user)
        messages.success(request, _("The rest of your series is cancelled."))
        return redirect("packages:series_detail", reference=series.reference)
    upcoming = [b for b in bookings if b.state == BookingState.CONFIRMED]
    context = {"series": series, "quote": quote, "upcoming": upcoming}
    return render(request, "packages/series_cancel.html", context)
