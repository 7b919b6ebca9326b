"""The coach books a session for a client or moves one; the client pays for a booked one.
Payment and confirmation are the bookings app's (PayPal's return comes back to bookings)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, time, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from coaching.bookings.forms import MoveForm
from coaching.bookings.models import Booking, BookingState
from coaching.bookings.services import BookingError, booking_start_payment
from coaching.bookings.views_checkout import paypal_addresses
from coaching.clients import selectors
from coaching.clients.sessions import session_move, session_offer, session_offered_to
from coaching.payments.providers import PaymentError, approval_origins
from coaching.practices.availability import Interval
from coaching.practices.models import SessionType
from coaching.practices.selectors import session_type_free_slots
from sofadoc.http import AuthenticatedHttpRequest


def _slot_days(
    session_type: SessionType, *, ignore: Collection[Interval] = ()
) -> list[tuple[date, list[datetime]]]:
    zone = timezone.get_current_timezone()
    start = datetime.combine(timezone.localdate(), time.min, tzinfo=zone)
    slots = session_type_free_slots(
        session_type=session_type, start=start, end=start + timedelta(days=14), ignore=list(ignore)
    )
    days: dict[date, list[datetime]] = {}
    for slot in slots:
        days.setdefault(timezone.localtime(slot).date(), []).append(slot)
    return sorted(days.items())


@login_required
@require_http_methods(["GET", "POST"])
def session_book(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    relationship = selectors.relationship_for_coach(request.user, pk)
    if relationship is None or not relationship.is_active:
        raise Http404
    types = list(relationship.practice.session_types.filter(is_active=True))
    chosen = next(
        (t for t in types if str(t.pk) == request.GET.get("type")), types[0] if types else None
    )
    form = MoveForm(request.POST or None)
    status = 200
    if request.method == "POST" and chosen is not None:
        if form.is_valid():
            try:
                session_offer(
                    relationship=relationship,
                    actor=request.user,
                    session_type_id=chosen.pk,
                    start=form.cleaned_data["start"],
                )
            except BookingError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _("The session is reserved. Your client has been asked to pay for it."),
                )
                return redirect("clients:detail", pk=relationship.pk)
        status = 409 if form.is_bound and not form.errors.get("start") else 400
    days: list[tuple[date, list[datetime]]] = []
    if chosen is not None:
        chosen.practice = relationship.practice
        days = _slot_days(chosen)
    return render(
        request,
        "clients/session_book.html",
        {
            "relationship": relationship,
            "practice": relationship.practice,
            "types": types,
            "chosen": chosen,
            "form": form,
            "days": days,
            "active": "clients",
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_pay(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    booking = session_offered_to(request.user, reference)
    if booking is None:
        raise Http404
    error = ""
    if request.method == "POST":
        try:
            approve_url = booking_start_payment(
                booking=booking, **paypal_addresses(request, booking)
            )
        except BookingError as refused:
            error = refused.message
        except PaymentError as failed:
            error = (
                _("PayPal could not be reached. Please try again in a moment.")
                if failed.retry
                else failed.message
            )
        else:
            return redirect(approve_url)
    response = render(
        request,
        "clients/session_pay.html",
        {"booking": booking, "error": error},
        status=409 if error else 200,
    )
    # "Pay with PayPal" is answered with a redirect to PayPal; without this the browser blocks it.
    # django-csp's per-response addition (an attribute it reads, unknown to HttpResponse's type)
    response._csp_update = {"form-action": approval_origins()}  # type: ignore[attr-defined]
    return response


@login_required
@require_http_methods(["GET", "POST"])
def session_move_view(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    booking = (
        Booking.objects.select_related("practice", "session_type", "client")
        .filter(reference=reference, practice__owner=request.user, state=BookingState.CONFIRMED)
        .first()
    )
    if booking is None:
        raise Http404
    relationship = booking.practice.client_relationships.filter(client=booking.client).first()
    form = MoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session_move(booking=booking, actor=request.user, new_start=form.cleaned_data["start"])
        except BookingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("The session is moved. Your client has been told and the calendar file updated."),
            )
            if relationship is not None:
                return redirect("clients:detail", pk=relationship.pk)
            return redirect("bookings:detail", reference=booking.reference)
    booking.session_type.practice = booking.practice
    days = _slot_days(
        booking.session_type, ignore=[Interval(booking.blocked_start, booking.blocked_end)]
    )
    return render(
        request,
        "clients/session_move.html",
        {
            "booking": booking,
            "form": form,
            "days": days,
            "relationship": relationship,
            "practice": booking.practice,
            "active": "clients",
        },
        status=200 if not form.errors else 409,
    )
