"""Hour blocks: the form that blocks time (reached from a free hour of the coach's calendar,
filled in with it), the question when the time covers booked sessions, and removing a block.

The calendar itself is bookings' page (bookings:coach); calendars adds its blocks and busy
times there through bookings' calendar_layers registry (calendar_layer.py). The old week view's
address sends there.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from coaching.calendars.blocks import BlockCoversBookings, hour_block_add, hour_block_remove
from coaching.calendars.forms import HourBlockForm
from coaching.calendars.models import HourBlock
from coaching.practices.models import Practice
from coaching.practices.views.setup import own_practice


def _calendar_at(day: date | None, view: str = "") -> str:
    """The coach's calendar on the week (or, from the day view, the day) of `day`."""
    url = reverse("bookings:coach")
    if day is None:
        return url
    if view == "day":
        return f"{url}?{urlencode({'view': 'day', 'day': day.isoformat()})}"
    return f"{url}?{urlencode({'week': day.isoformat()})}"


@own_practice
@require_http_methods(["GET"])
def week(request: HttpRequest, practice: Practice) -> HttpResponse:
    """The former week view: its links and bookmarks open the calendar on the same week."""
    day: date | None
    try:
        day = date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        day = None
    return redirect(_calendar_at(day))


def _form_page(request, practice, form, *, status=200, covered=(), pending=None):
    context = {
        "practice": practice,
        "active": "calendar",
        "form": form,
        "covered": covered,
        "pending": pending,
        "zone": practice.time_zone,
        "back": _calendar_at(
            form.cleaned_data.get("day") if form.is_bound and form.is_valid() else None,
            request.POST.get("view") or request.GET.get("view", ""),
        ),
        "view": request.POST.get("view") or request.GET.get("view", ""),
    }
    return render(request, "calendars/block_form.html", context, status=status)


@own_practice
@require_http_methods(["GET", "POST"])
def block_add(request: HttpRequest, practice: Practice) -> HttpResponse:
    if request.method == "GET":
        # Filled in from the free hour the coach chose; anything unreadable is just left out.
        initial = {k: request.GET[k] for k in ("day", "start_time", "end_time") if k in request.GET}
        probe = HourBlockForm(initial)
        probe.is_valid()
        form = HourBlockForm(initial={k: v for k, v in initial.items() if k not in probe.errors})
        return _form_page(request, practice, form)
    zone = ZoneInfo(practice.time_zone)
    form = HourBlockForm(request.POST)
    if not form.is_valid():
        return _form_page(request, practice, form, status=400)
    data = form.cleaned_data
    start = datetime.combine(data["day"], data["start_time"], tzinfo=zone).astimezone(UTC)
    end_day = data["day"] + timedelta(days=1) if data["end_time"] == time(0) else data["day"]
    end = datetime.combine(end_day, data["end_time"], tzinfo=zone).astimezone(UTC)
    try:
        with transaction.atomic(durable=True):
            _block, cancelled = hour_block_add(
                practice=practice,
                actor=request.user,
                start=start,
                end=end,
                bookings=data["bookings"],
                reason=_("Your coach is not available at this time."),
            )
    except BlockCoversBookings as covered:
        return _form_page(
            request, practice, form, status=409, covered=covered.bookings, pending=data
        )
    if cancelled:
        messages.success(
            request,
            ngettext(
                "The hours are blocked; %(n)d session was cancelled and refunded in full.",
                "The hours are blocked; %(n)d sessions were cancelled and refunded in full.",
                cancelled,
            )
            % {"n": cancelled},
        )
    else:
        messages.success(request, _("The hours are blocked."))
    return redirect(_calendar_at(data["day"], request.POST.get("view", "")))


@own_practice
@require_POST
def block_remove(request: HttpRequest, practice: Practice, pk: int) -> HttpResponse:
    block = get_object_or_404(HourBlock, practice=practice, pk=pk)
    with transaction.atomic(durable=True):
        hour_block_remove(practice=practice, actor=request.user, block_id=pk)
    messages.success(request, _("The block is removed."))
    zone = ZoneInfo(practice.time_zone)
    return redirect(_calendar_at(block.start.astimezone(zone).date()))
