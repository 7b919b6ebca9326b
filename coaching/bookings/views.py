"""Booking pages after the checkout (views_checkout.py): the booking itself, cancel, move,
receipt, calendar files, the client's list. The coach's calendar and feed are in views_coach.py.

Every view that takes a booking reference finds it through booking_for_participant: anyone but
the booking's client, its coach and staff with two factors (as in the admin) gets a 404. What a
participant may do is bookings.permissions' (the rules the services enforce).
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from coaching.billing.selectors import documents_for_item
from coaching.bookings import calendar
from coaching.bookings.attendance_source import attended_seconds
from coaching.bookings.forms import CancelForm, MoveForm
from coaching.bookings.models import Booking, BookingState, Role
from coaching.bookings.permissions import booking_permissions, booking_role
from coaching.bookings.selectors import (
    booking_for_participant,
    booking_move_choices,
    bookings_of_client_by_time,
)
from coaching.bookings.services import BookingError, booking_cancel, booking_move
from sofadoc.http import AuthenticatedHttpRequest


def _participant_booking(request: HttpRequest, reference: str) -> Booking:
    booking = booking_for_participant(request.user, reference)
    if booking is None or (
        booking.state in (BookingState.EXPIRED, BookingState.ABANDONED)
        and booking.client_id != request.user.pk
    ):
        raise Http404
    return booking


def _role(request: AuthenticatedHttpRequest, booking: Booking) -> str:
    """The viewer's part; only staff reach a booking that is not theirs (_participant_booking)."""
    return booking_role(booking, request.user) or Role.STAFF


@login_required
@require_GET
def booking_detail(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    booking = _participant_booking(request, reference)
    role = _role(request, booking)
    attended = (
        attended_seconds(booking, now=timezone.now())
        if booking.state in (BookingState.COMPLETED, BookingState.NO_SHOW)
        else {}
    )
    context = {
        "booking": booking,
        "attended_minutes": {side: round(seconds / 60) for side, seconds in attended.items()},
        "role": role,
        "coach_zone": ZoneInfo(booking.practice.time_zone),
        "refunds": booking.refunds,  # one query for all payments
        "may": booking_permissions(booking=booking, role=role),
    }
    return render(request, "bookings/booking_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def booking_cancel_view(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    booking = _participant_booking(request, reference)
    role = _role(request, booking)
    form = CancelForm(request.POST or None, reason_required=role == Role.COACH)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic(durable=True):
                refund = booking_cancel(
                    booking=booking,
                    actor=request.user,
                    role=role,
                    reason=form.cleaned_data["reason"],
                )
        except BookingError as error:
            form.add_error(None, error.message)
        else:
            if refund is not None and refund.status != "failed":
                messages.success(
                    request,
                    _("The session is cancelled. The full amount is being refunded to PayPal."),
                )
            elif refund is not None:
                messages.warning(
                    request,
                    _(
                        "The session is cancelled. The refund did not go through yet; "
                        "our team takes care of it."
                    ),
                )
            elif booking.purchase_id is None:  # paid with a package credit
                messages.success(request, _("The session is cancelled."))
            else:
                messages.success(
                    request,
                    _(
                        "The session is cancelled. As the free cancellation period had "
                        "ended, there is no refund."
                    ),
                )
            return redirect("bookings:detail", reference=booking.reference)
    context = {
        "booking": booking,
        "form": form,
        "role": role,
        "refund_due": booking_permissions(booking=booking, role=role).refund_due,
    }
    return render(
        request, "bookings/booking_cancel.html", context, status=200 if not form.errors else 409
    )


@login_required
@require_http_methods(["GET", "POST"])
def booking_move_view(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    booking = _participant_booking(request, reference)
    if _role(request, booking) != Role.CLIENT:
        raise Http404
    form = MoveForm(request.POST or None)
    # Choosing a time (GET ?start=) only asks to confirm: old and new time side by side.
    chosen = MoveForm(request.GET) if request.method == "GET" and "start" in request.GET else None
    if chosen is not None and chosen.is_valid() and chosen.cleaned_data["start"] != booking.start:
        return render(
            request,
            "bookings/booking_move_confirm.html",
            {"booking": booking, "new_start": chosen.cleaned_data["start"]},
        )
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic(durable=True):
                booking_move(
                    booking=booking, actor=request.user, new_start=form.cleaned_data["start"]
                )
        except BookingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("Your session is moved. The calendar file has been updated.")
            )
            return redirect("bookings:detail", reference=booking.reference)
    days = booking_move_choices(booking, zone=timezone.get_current_timezone())
    invalid_choice = chosen is not None and not chosen.is_valid()
    return render(
        request,
        "bookings/booking_move.html",
        {"booking": booking, "form": form, "days": days},
        status=409 if form.errors else 400 if invalid_choice else 200,
    )


@login_required
@require_GET
def booking_receipt(request: HttpRequest, reference: str) -> HttpResponse:
    """The booking's accounting documents (receipt, cancellation, corrections): billing's."""
    booking = _participant_booking(request, reference)
    documents = documents_for_item(kind="booking", object_id=booking.pk)
    return render(request, "bookings/receipt.html", {"booking": booking, "documents": documents})


@login_required
@require_GET
def booking_ics(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    booking = _participant_booking(request, reference)
    if booking.state not in (
        BookingState.CONFIRMED,
        BookingState.CANCELLED,
        BookingState.COMPLETED,
    ):
        raise Http404
    response = HttpResponse(
        calendar.booking_ics(booking, for_coach=_role(request, booking) == Role.COACH),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="sofadoc-{booking.reference}.ics"'
    return response


@login_required
@require_GET
def client_bookings(request: AuthenticatedHttpRequest) -> HttpResponse:
    upcoming, past = bookings_of_client_by_time(request.user, now=timezone.now())
    return render(request, "bookings/client_bookings.html", {"upcoming": upcoming, "past": past})
