"""The coach's week view: opening hours, sessions, imported busy time and hour blocks, with a
button per free hour to block it (works without JavaScript)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
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
from coaching.calendars.models import BusyInterval, HourBlock
from coaching.practices.models import Practice
from coaching.practices.views.setup import own_practice

FIRST_HOUR, LAST_HOUR = 6, 22


def _monday(value: str | None, zone: ZoneInfo) -> date:
    try:
        day = date.fromisoformat(value) if value else datetime.now(zone).date()
    except ValueError:
        day = datetime.now(zone).date()
    day = min(max(day, date(2000, 1, 3)), date(2999, 12, 1))
    return day - timedelta(days=day.weekday())


def _week_context(practice: Practice, monday: date) -> dict:
    from coaching.bookings.models import Booking, BookingState

    zone = ZoneInfo(practice.time_zone)
    start = datetime.combine(monday, time(0), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(monday + timedelta(days=7), time(0), tzinfo=zone).astimezone(UTC)
    blocks = list(HourBlock.objects.filter(practice=practice, start__lt=end, end__gt=start))
    busy = list(
        BusyInterval.objects.filter(practice=practice, start__lt=end, end__gt=start)
        .order_by("start")
        .values_list("start", "end")
    )
    sessions = list(
        Booking.objects.filter(
            practice=practice, state=BookingState.CONFIRMED, start__lt=end, end__gt=start
        ).values_list("start", "end", "session_name")
    )
    hours = {(h.weekday, h.start_time, h.end_time) for h in practice.weekly_hours.all()}
    days = []
    for offset in range(7):
        day = monday + timedelta(days=offset)
        cells = []
        for hour in range(FIRST_HOUR, LAST_HOUR):
            cell_start = datetime.combine(day, time(hour), tzinfo=zone).astimezone(UTC)
            cell_end = cell_start + timedelta(hours=1)
            block = next((b for b in blocks if b.start < cell_end and b.end > cell_start), None)
            session = next((s for s in sessions if s[0] < cell_end and s[1] > cell_start), None)
            cells.append(
                {
                    "hour": hour,
                    "open": any(w == day.weekday() and s <= time(hour) < e for w, s, e in hours),
                    "block": block,
                    "session": session[2] if session else "",
                    "busy": any(b[0] < cell_end and b[1] > cell_start for b in busy),
                }
            )
        days.append({"day": day, "cells": cells})
    rows = [
        {"hour": hour, "cells": [(d["day"], d["cells"][index]) for d in days]}  # type: ignore[index]
        for index, hour in enumerate(range(FIRST_HOUR, LAST_HOUR))
    ]
    return {
        "days": days,
        "rows": rows,
        "monday": monday,
        "previous": monday - timedelta(days=7),
        "next": monday + timedelta(days=7),
        "zone": practice.time_zone,
    }


@own_practice
@require_http_methods(["GET"])
def week(request: HttpRequest, practice: Practice) -> HttpResponse:
    zone = ZoneInfo(practice.time_zone)
    monday = _monday(request.GET.get("week"), zone)
    context = {"practice": practice, "active": "week", "form": HourBlockForm()}
    context.update(_week_context(practice, monday))
    return render(request, "calendars/week.html", context)


@own_practice
@require_POST
def block_add(request: HttpRequest, practice: Practice) -> HttpResponse:
    zone = ZoneInfo(practice.time_zone)
    form = HourBlockForm(request.POST)
    if not form.is_valid():
        context = {"practice": practice, "active": "week", "form": form}
        context.update(_week_context(practice, _monday(request.POST.get("day"), zone)))
        return render(request, "calendars/week.html", context, status=400)
    data = form.cleaned_data
    start = datetime.combine(data["day"], data["start_time"], tzinfo=zone).astimezone(UTC)
    end_day = data["day"] + timedelta(days=1) if data["end_time"] == time(0) else data["day"]
    end = datetime.combine(end_day, data["end_time"], tzinfo=zone).astimezone(UTC)
    back = reverse("calendars:week") + f"?week={data['day'].isoformat()}"
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
        context = {
            "practice": practice,
            "active": "week",
            "form": form,
            "covered": covered.bookings,
            "pending": data,
        }
        context.update(_week_context(practice, _monday(data["day"].isoformat(), zone)))
        return render(request, "calendars/week.html", context, status=409)
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
    return redirect(back)


@own_practice
@require_POST
def block_remove(request: HttpRequest, practice: Practice, pk: int) -> HttpResponse:
    block = get_object_or_404(HourBlock, practice=practice, pk=pk)
    with transaction.atomic(durable=True):
        hour_block_remove(practice=practice, actor=request.user, block_id=pk)
    messages.success(request, _("The block is removed."))
    zone = ZoneInfo(practice.time_zone)
    day = block.start.astimezone(zone).date().isoformat()
    return redirect(reverse("calendars:week") + f"?week={day}")
