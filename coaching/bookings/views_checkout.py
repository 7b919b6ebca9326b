"""Booking and paying: the booking page of a slot (the client checks the session and its rules),
the hold and the PayPal order it starts, and PayPal's return and cancel legs.

A hold is made only by a POST of the signed-in client; PayPal sends the client back with the
order's token, checked against the booking's own orders (404 for anyone else's booking).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TypedDict
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from coaching.bookings.forms import HoldForm
from coaching.bookings.models import Booking, BookingState
from coaching.bookings.selectors import booking_of_client, booking_preview
from coaching.bookings.services import (
    BookingError,
    booking_abandon,
    booking_capture,
    booking_hold,
    booking_line,
    booking_start_payment,
)
from coaching.payments.discounts import discount_context, discount_quote, entered_code
from coaching.payments.providers import PaymentError, approval_locale, approval_origins
from coaching.practices.models import SessionType
from coaching.practices.pages import published_session_type, slot_shown_free
from sofadoc.http import AuthenticatedHttpRequest


def _problem(
    request: HttpRequest, message, *, status: int, back: str | None = None
) -> HttpResponse:
    """A clear page for a request we refuse, with a way back."""
    return render(
        request, "bookings/problem.html", {"message": message, "back": back}, status=status
    )


def _bookable_session_type(request: HttpRequest, slug: str, session_type_id: int) -> SessionType:
    """The active session type of the published practice at `slug`, with its practice (404
    otherwise). The page comes from the practice's cached page data (its free times are read
    afresh); a hold reads the database, with the coach, as the booking it makes must."""
    if request.method == "GET":
        found = published_session_type(slug, session_type_id)
        if found is not None:
            return found
    return get_object_or_404(
        SessionType.objects.select_related("practice__owner"),
        pk=session_type_id,
        practice__slug=slug,
        practice__is_published=True,
        is_active=True,
    )


class PayPalAddresses(TypedDict):
    return_url: str
    cancel_url: str
    locale: str


def paypal_addresses(request: HttpRequest, booking: Booking) -> PayPalAddresses:
    """Where PayPal sends the client back to after approving or cancelling `booking`'s payment,
    and the language of its page: booking_start_payment's keywords."""
    return PayPalAddresses(
        return_url=request.build_absolute_uri(
            reverse("bookings:paypal_return", args=[booking.reference])
        ),
        cancel_url=request.build_absolute_uri(
            reverse("bookings:paypal_cancel", args=[booking.reference])
        ),
        locale=approval_locale(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def booking_start(
    request: AuthenticatedHttpRequest, slug: str, session_type_id: int
) -> HttpResponse:
    session_type = _bookable_session_type(request, slug, session_type_id)
    practice = session_type.practice
    back = practice.get_absolute_url()
    form = HoldForm(request.POST) if request.method == "POST" else None
    start = _start_asked(request, form)
    if start is None:
        return _problem(
            request, _("This is not a valid time for a session."), status=400, back=back
        )
    if start <= timezone.now():
        return _problem(
            request, _("This time is in the past. Please pick another slot."), status=400, back=back
        )

    code = entered_code(request)
    if request.method == "POST":
        if code:  # checked before the slot is held: a wrong code holds nothing
            _discount, refused = discount_quote(
                code=code,
                practice=practice,
                buyer=request.user,
                lines=[booking_line(booking_preview(session_type=session_type, start=start))],
                now=timezone.now(),
            )
            if refused:
                return _problem(request, refused, status=409, back=back)
        booking = None
        try:
            with transaction.atomic(durable=True):
                booking = booking_hold(
                    client=request.user,
                    practice=practice,
                    session_type_id=session_type.pk,
                    start=start,
                    expected_price=form.cleaned_data["price"],  # type: ignore[union-attr]
                )
            with transaction.atomic(durable=True):
                approve_url = booking_start_payment(
                    booking=booking, discount_code=code, **paypal_addresses(request, booking)
                )
        except BookingError as error:
            if booking is not None and code:
                # The code was used up by someone else meanwhile: the slot is freed at once.
                with transaction.atomic(durable=True):
                    booking_abandon(booking=booking, order_id="", actor=request.user)
            return _problem(request, error.message, status=409, back=back)
        except PaymentError as error:
            message = (
                _("PayPal could not be reached. Your slot stays reserved for a few minutes.")
                if error.retry
                else error.message
            )
            # 503: PayPal is unavailable, not our bug; the client can try again shortly.
            return _problem(request, message, status=503 if error.retry else 409, back=back)
        return redirect(approve_url)

    available = slot_shown_free(session_type=session_type, start=start)
    preview = booking_preview(session_type=session_type, start=start)
    discount, discount_error = discount_quote(
        code=code,
        practice=practice,
        buyer=request.user,
        lines=[booking_line(preview)],
        now=timezone.now(),
    )
    start_value = start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    context = {
        "practice": practice,
        "session_type": session_type,
        "booking": preview,
        "available": available,
        "coach_zone": ZoneInfo(practice.time_zone),
        "own_practice": practice.owner_id == request.user.pk,
        # What the page's {% memo %} part is kept for, besides the values it names itself; a
        # code makes the page the buyer's own (their uses of it), so it is rendered each time.
        "listing_version": None if code else getattr(practice, "listing_version", None),
        "start_value": start_value,
        "keep": [("start", start_value)],
        **discount_context(code, discount, discount_error),
    }
    status = 400 if discount_error else 200 if available else 409
    response = render(request, "bookings/booking_start.html", context, status=status)
    # "Pay with PayPal" is answered with a redirect to PayPal; without this the browser blocks it.
    response._csp_update = {"form-action": approval_origins()}  # type: ignore[attr-defined]
    return response


def _start_asked(request: HttpRequest, form: HoldForm | None) -> datetime | None:
    """The slot's start: the hold form's (with the price the client saw) for a POST; for the
    page, the address's `start` through the same field, without building a form each time."""
    if form is not None:
        return form.cleaned_data["start"] if form.is_valid() else None
    try:
        return HoldForm.base_fields["start"].clean(request.GET.get("start"))
    except ValidationError:
        return None


@login_required
@require_GET
def paypal_return(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    booking = _own_booking_as_client(request, reference)
    order_id = request.GET.get("token", "")
    if not booking.payments.filter(order_id=order_id).exists():
        raise Http404
    try:
        with transaction.atomic(durable=True):
            booking = booking_capture(booking=booking, order_id=order_id, actor=request.user)
    except BookingError as error:
        return _problem(
            request, error.message, status=409, back=booking.practice.get_absolute_url()
        )
    except PaymentError as error:
        return _problem(
            request,
            error.message,
            status=402 if not error.retry else 503,
            back=booking.practice.get_absolute_url(),
        )
    if booking.state in (BookingState.EXPIRED, BookingState.ABANDONED, BookingState.CANCELLED):
        return _problem(
            request,
            _("This time was taken while you paid. Your payment has been refunded in full."),
            status=409,
            back=booking.practice.get_absolute_url(),
        )
    if booking.state == BookingState.CONFIRMED:
        messages.success(request, _("Your session is booked and paid."))
    else:
        messages.info(
            request,
            _(
                "PayPal is still processing your payment. We will confirm your session "
                "as soon as it is complete."
            ),
        )
    return redirect("bookings:detail", reference=booking.reference)


@login_required
@require_GET
def paypal_cancel(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    booking = _own_booking_as_client(request, reference)
    with transaction.atomic(durable=True):
        booking_abandon(booking=booking, order_id=request.GET.get("token", ""), actor=request.user)
    messages.info(
        request, _("You cancelled the payment. Nothing was charged and the slot is free again.")
    )
    return redirect(booking.practice.get_absolute_url())


def _own_booking_as_client(request: AuthenticatedHttpRequest, reference: str) -> Booking:
    booking = booking_of_client(request.user, reference)
    if booking is None:
        raise Http404
    return booking
