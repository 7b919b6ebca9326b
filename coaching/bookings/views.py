"""Booking pages: book and pay, the booking itself, cancel, move, receipt, calendar files.

Every view that takes a booking reference finds it through booking_for_participant: anyone but
the booking's client, its coach and staff with two factors (as in the admin) gets a 404.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coaching.billing.selectors import documents_for_item
from coaching.bookings import calendar
from coaching.bookings.attendance_source import attended_seconds
from coaching.bookings.forms import CancelForm, HoldForm, MoveForm
from coaching.bookings.models import Booking, BookingState, CalendarFeed, Role
from coaching.bookings.permissions import booking_permissions
from coaching.bookings.selectors import (
    booking_for_participant,
    bookings_for_client,
    bookings_for_coach,
)
from coaching.bookings.services import (
    BookingError,
    booking_abandon,
    booking_cancel,
    booking_capture,
    booking_hold,
    booking_line,
    booking_move,
    booking_start_payment,
)
from coaching.payments.discounts import discount_context, discount_quote, entered_code
from coaching.payments.providers import PaymentError, approval_origins
from coaching.practices.availability import Interval
from coaching.practices.models import Practice, SessionType
from coaching.practices.pages import published_practice_and_types
from coaching.practices.selectors import session_type_free_slots
from sofadoc.http import AuthenticatedHttpRequest

MAX_WEEK_DISTANCE = timedelta(days=3660)  # how far the coach's week view pages


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
        found = published_practice_and_types(slug)
        for session_type in found[1] if found else ():
            if session_type.pk == session_type_id:
                return session_type
    return get_object_or_404(
        SessionType.objects.select_related("practice__owner"),
        pk=session_type_id,
        practice__slug=slug,
        practice__is_published=True,
        is_active=True,
    )


def _preview(practice, session_type: SessionType, start) -> Booking:
    """The booking as it would be held (unsaved): for the page before paying."""
    return Booking(
        practice=practice,
        session_type=session_type,
        start=start,
        end=start + timedelta(minutes=session_type.duration_minutes),
        price=session_type.price,
        currency=session_type.currency,
        session_name=session_type.name,
        cancellation_window_hours=practice.cancellation_window_hours,
    )


@login_required
@require_http_methods(["GET", "POST"])
def booking_start(
    request: AuthenticatedHttpRequest, slug: str, session_type_id: int
) -> HttpResponse:
    session_type = _bookable_session_type(request, slug, session_type_id)
    practice = session_type.practice
    back = practice.get_absolute_url()
    form = HoldForm(
        request.POST or {"start": request.GET.get("start"), "price": session_type.price}
    )
    if not form.is_valid():
        return _problem(
            request, _("This is not a valid time for a session."), status=400, back=back
        )
    start = form.cleaned_data["start"]
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
                lines=[booking_line(_preview(practice, session_type, start))],
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
                    expected_price=form.cleaned_data["price"],
                )
            with transaction.atomic(durable=True):
                approve_url = booking_start_payment(
                    booking=booking,
                    return_url=request.build_absolute_uri(
                        reverse("bookings:paypal_return", args=[booking.reference])
                    ),
                    cancel_url=request.build_absolute_uri(
                        reverse("bookings:paypal_cancel", args=[booking.reference])
                    ),
                    locale="de-DE" if translation.get_language() == "de" else "en-DE",
                    discount_code=code,
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

    free = session_type_free_slots(
        session_type=session_type, start=start, end=start + timedelta(microseconds=1)
    )
    booking_preview = _preview(practice, session_type, start)
    discount, discount_error = discount_quote(
        code=code,
        practice=practice,
        buyer=request.user,
        lines=[booking_line(booking_preview)],
        now=timezone.now(),
    )
    context = {
        "practice": practice,
        "session_type": session_type,
        "booking": booking_preview,
        "form": form,
        "available": free == [start],
        "coach_zone": ZoneInfo(practice.time_zone),
        "own_practice": practice.owner_id == request.user.pk,
        "keep": [("start", form["start"].value())],
        **discount_context(code, discount, discount_error),
    }
    status = 200 if free == [start] else 409
    response = render(
        request, "bookings/booking_start.html", context, status=400 if discount_error else status
    )
    # "Pay with PayPal" is answered with a redirect to PayPal; without this the browser blocks it.
    response._csp_update = {"form-action": approval_origins()}  # type: ignore[attr-defined]
    return response


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
    booking = (
        Booking.objects.select_related("practice")
        .filter(reference=reference, client=request.user)
        .first()
    )
    if booking is None:
        raise Http404
    return booking


def _participant_booking(request: HttpRequest, reference: str) -> Booking:
    booking = booking_for_participant(request.user, reference)
    if booking is None or (
        booking.state in (BookingState.EXPIRED, BookingState.ABANDONED)
        and booking.client_id != request.user.pk
    ):
        raise Http404
    return booking


def _role(request: HttpRequest, booking: Booking) -> str:
    if booking.practice.owner_id == request.user.pk:
        return Role.COACH
    if booking.client_id == request.user.pk:
        return Role.CLIENT
    return Role.STAFF


@login_required
@require_GET
def booking_detail(request: HttpRequest, reference: str) -> HttpResponse:
    booking = _participant_booking(request, reference)
    attended = (
        attended_seconds(booking, now=timezone.now())
        if booking.state in (BookingState.COMPLETED, BookingState.NO_SHOW)
        else {}
    )
    context = {
        "booking": booking,
        "attended_minutes": {role: round(seconds / 60) for role, seconds in attended.items()},
        "role": _role(request, booking),
        "coach_zone": ZoneInfo(booking.practice.time_zone),
        "refunds": booking.refunds,  # one query for all payments
        "may": booking_permissions(booking=booking, role=_role(request, booking)),
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
    zone = timezone.get_current_timezone()
    first = max(timezone.localdate(), timezone.localdate(booking.start) - timedelta(days=7))
    start = datetime.combine(first, time.min, tzinfo=zone)
    own = Interval(booking.blocked_start, booking.blocked_end)
    slots = session_type_free_slots(
        session_type=booking.session_type, start=start, end=start + timedelta(days=14), ignore=[own]
    )
    days: dict[date, list[datetime]] = {}
    for slot in slots:
        if slot != booking.start:  # its own time is no move
            days.setdefault(timezone.localtime(slot).date(), []).append(slot)
    invalid_choice = chosen is not None and not chosen.is_valid()
    return render(
        request,
        "bookings/booking_move.html",
        {"booking": booking, "form": form, "days": sorted(days.items())},
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
def booking_ics(request: HttpRequest, reference: str) -> HttpResponse:
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
def client_bookings(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    bookings = list(bookings_for_client(request.user))
    upcoming = [
        b
        for b in bookings
        if b.end > now and b.state in (BookingState.CONFIRMED, BookingState.HELD)
    ]
    past = [b for b in reversed(bookings) if b not in upcoming]
    return render(request, "bookings/client_bookings.html", {"upcoming": upcoming, "past": past})


@login_required
@require_GET
def coach_bookings(request: AuthenticatedHttpRequest) -> HttpResponse:
    practice = Practice.objects.filter(owner=request.user).first()
    if practice is None:
        return redirect("practices:start")
    zone = timezone.get_current_timezone()
    today = timezone.localdate()
    try:
        week_of = date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        week_of = today
    if abs(week_of - today) > MAX_WEEK_DISTANCE:
        # Nothing is booked that far off, and the calendar's first or last week would
        # overflow when we step a week back or ahead.
        week_of = today
    monday = week_of - timedelta(days=week_of.weekday())
    week_start = datetime.combine(monday, time.min, tzinfo=zone)
    week_end = week_start + timedelta(days=7)
    now = timezone.now()
    bookings = bookings_for_coach(request.user)
    upcoming = list(bookings.filter(state=BookingState.CONFIRMED, end__gt=now)[:50])
    week = list(
        bookings.filter(start__lt=week_end, end__gt=week_start).exclude(
            state=BookingState.CANCELLED
        )
    )
    days = [
        (
            monday + timedelta(days=i),
            [b for b in week if timezone.localtime(b.start).date() == monday + timedelta(days=i)],
        )
        for i in range(7)
    ]
    feed = CalendarFeed.objects.filter(practice=practice).first()  # made by a POST below
    context = {
        "practice": practice,
        "upcoming": upcoming,
        "days": days,
        "monday": monday,
        "previous_week": monday - timedelta(days=7),
        "next_week": monday + timedelta(days=7),
        "feed_url": (
            request.build_absolute_uri(reverse("bookings:feed", args=[feed.token])) if feed else ""
        ),
    }
    return render(request, "bookings/coach_bookings.html", context)


@login_required
@require_POST
def coach_feed_regenerate(request: HttpRequest) -> HttpResponse:
    practice = get_object_or_404(Practice, owner=request.user)
    renewed = CalendarFeed.objects.filter(practice=practice).exists()
    calendar.calendar_feed_renew(practice=practice)
    if renewed:
        messages.success(
            request, _("You have a new calendar address. The old one no longer works.")
        )
    else:
        messages.success(request, _("Your calendar address is ready."))
    return redirect("bookings:coach")


@require_GET
def coach_feed(request: HttpRequest, token: str) -> HttpResponse:
    feed = get_object_or_404(CalendarFeed.objects.select_related("practice"), token=token)
    return HttpResponse(
        calendar.practice_feed(feed.practice), content_type="text/calendar; charset=utf-8"
    )
