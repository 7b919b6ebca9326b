"""The coach's calendar page (week or day, with the secret feed address) and the feed itself.

Only ever the signed-in coach's own practice: the page is built from `request.user`'s practice,
so another coach's sessions cannot be asked for.
"""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from coaching.bookings import calendar
from coaching.bookings.calendar_layers import block_url_maker
from coaching.bookings.coach_calendar import coach_calendar
from coaching.bookings.models import BookingState, CalendarFeed
from coaching.bookings.selectors import bookings_for_coach
from coaching.practices.models import Practice
from sofadoc.http import AuthenticatedHttpRequest

MAX_DISTANCE = timedelta(days=3660)  # how far the calendar pages (the date type ends at 9999)
VIEWS = ("week", "day")


def _focus(request: HttpRequest, today: date) -> date:
    """The day asked for (?day=, or ?week= from older links), today if none or nonsense."""
    raw = request.GET.get("day") or request.GET.get("week") or ""
    try:
        focus = date.fromisoformat(raw)
    except ValueError:
        return today
    # Nothing is booked that far off, and stepping a week from the last one would overflow.
    return focus if abs(focus - today) <= MAX_DISTANCE else today


def _here(view: str, day: date) -> str:
    params = {"view": view, "day": day.isoformat()} if view in VIEWS else {"week": day.isoformat()}
    return "?" + urlencode(params)


@login_required
@require_GET
def coach_bookings(request: AuthenticatedHttpRequest) -> HttpResponse:
    practice = Practice.objects.filter(owner=request.user).select_related("calendar_feed").first()
    if practice is None:
        return redirect("practices:start")
    zone = timezone.get_current_timezone()
    now = timezone.now()
    today = timezone.localdate()
    focus = _focus(request, today)
    view = request.GET.get("view", "")
    view = view if view in VIEWS else "auto"
    page = coach_calendar(practice=practice, focus=focus, view=view, zone=zone, now=now)
    for column in page.grid.days:
        column.url = _here("day", column.day)
    step = timedelta(days=1 if view == "day" else 7)
    monday = focus - timedelta(days=focus.weekday())
    feed = getattr(practice, "calendar_feed", None)
    block_url = block_url_maker(practice)
    context = {
        "practice": practice,
        "active": "calendar",
        "page": page,
        "grid": page.grid,
        "view": view,
        "focus": focus,
        "monday": monday,
        "sunday": monday + timedelta(days=6),
        "previous_url": _here(view, focus - step),
        "next_url": _here(view, focus + step),
        "today_url": _here(view, today),
        "week_url": _here("week", focus),
        "day_url": _here("day", focus),
        "today": today,
        "strip": [
            (day, _here("day", day), day == focus)
            for day in (monday + timedelta(days=i) for i in range(7))
        ],
        "block_form_url": block_url(None, None) if block_url else "",
        "upcoming": list(
            bookings_for_coach(request.user)
            .filter(state=BookingState.CONFIRMED, end__gt=now)
            .order_by("start")[:10]
        ),
        "feed_url": (
            request.build_absolute_uri(reverse("bookings:feed", args=[feed.token])) if feed else ""
        ),
    }
    return render(request, "bookings/coach_calendar.html", context)


@login_required
@require_POST
def coach_feed_regenerate(request: HttpRequest) -> HttpResponse:
    practice = get_object_or_404(Practice, owner=request.user)
    _feed, renewed = calendar.calendar_feed_renew(practice=practice)
    if renewed:
        messages.success(
            request, _("You have a new calendar address. The old one no longer works.")
        )
    else:
        messages.success(request, _("Your calendar address is ready."))
    return redirect(reverse("bookings:coach") + "#feed")


@require_GET
def coach_feed(request: HttpRequest, token: str) -> HttpResponse:
    feed = get_object_or_404(CalendarFeed.objects.select_related("practice"), token=token)
    return HttpResponse(
        calendar.practice_feed(feed.practice), content_type="text/calendar; charset=utf-8"
    )
