"""Calendar files: one .ics per booking, and the coach's secret feed of all their sessions.

One UID per booking for its whole life; a move raises SEQUENCE, a cancellation is sent as
STATUS:CANCELLED with METHOD:CANCEL, so calendar apps update the entry instead of adding one.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from coaching.bookings.models import Booking, BookingState, CalendarFeed


def calendar_feed_renew(*, practice) -> tuple[CalendarFeed, bool]:
    """A new secret address for the coach's feed; the old one (if any) stops working. Returns
    the new feed and whether there was an old one."""
    with transaction.atomic():
        deleted, _by_model = CalendarFeed.objects.filter(practice=practice).delete()
        return CalendarFeed.objects.create(practice=practice), deleted > 0


def _calendar(method: str | None = None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", "-//SofaDoc//Buchungen//DE")
    cal.add("version", "2.0")
    if method:
        cal.add("method", method)
    return cal


def _event(booking: Booking, *, for_coach: bool) -> Event:
    event = Event()
    event.add("uid", f"{booking.reference}@sofadoc")
    event.add("sequence", booking.sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", booking.start)
    event.add("dtend", booking.end)
    # No health or coaching details in a calendar that may be shared: session name and who.
    other = booking.client.display_name if for_coach and booking.client else booking.practice.name
    event.add("summary", f"{booking.session_name} – {other}" if other else booking.session_name)
    event.add("url", settings.SITE_URL + reverse("bookings:detail", args=[booking.reference]))
    event.add(
        "description",
        _("Video session on SofaDoc. Join from your booking page: %(url)s")
        % {"url": settings.SITE_URL + reverse("bookings:detail", args=[booking.reference])},
    )
    cancelled = booking.state == BookingState.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def booking_ics(booking: Booking, *, for_coach: bool) -> bytes:
    cancelled = booking.state == BookingState.CANCELLED
    cal = _calendar("CANCEL" if cancelled else "PUBLISH")
    cal.add_component(_event(booking, for_coach=for_coach))
    return cal.to_ical()


def practice_feed(practice) -> bytes:
    """The coach's subscription feed: sessions from 30 days back on, cancelled ones marked."""
    since = timezone.now() - timedelta(days=30)
    cal = _calendar()
    cal.add("x-wr-calname", f"SofaDoc – {practice.name}")
    bookings = (
        Booking.objects.filter(
            practice=practice,
            end__gte=since,
            state__in=[
                BookingState.CONFIRMED,
                BookingState.COMPLETED,
                BookingState.NO_SHOW,
                BookingState.CANCELLED,
            ],
        )
        .select_related("client", "practice")
        .order_by("start")
    )
    for booking in bookings:
        cal.add_component(_event(booking, for_coach=True))
    return cal.to_ical()
