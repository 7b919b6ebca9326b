"""The minute scan: queue what has come due (reminders, payment notices, the weekly calendar
nudge), then deliver everything pending, so a lost task or a Redis outage only delays a message."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from coaching.bookings.models import Booking, BookingState
from coaching.notifications.delivery import notifications_deliver_pending
from coaching.notifications.models import (
    Kind,
    Notification,
)
from coaching.notifications.queueing import (
    booking_participants,
    notification_queue,
)
from coaching.practices.models import Practice

logger = logging.getLogger(__name__)


def reminders_queue_due(*, now: datetime | None = None) -> int:
    """Queue 24 h and 1 h reminders for confirmed sessions entering those windows."""
    now = now or timezone.now()
    count = 0
    windows = [
        # A session booked less than a day ahead gets no "tomorrow" reminder: the
        # confirmation was just sent, and the 1 h reminder follows.
        (
            Kind.REMINDER_24H,
            Q(start__gt=now + timedelta(hours=1), start__lte=now + timedelta(hours=24))
            & Q(confirmed_at__lte=now - timedelta(hours=1)),
        ),
        (Kind.REMINDER_1H, Q(start__gt=now, start__lte=now + timedelta(hours=1))),
    ]
    for kind, window in windows:
        already = Notification.objects.filter(
            booking=OuterRef("pk"), booking_sequence=OuterRef("sequence"), kind=kind
        )
        due = (
            Booking.objects.filter(window, state=BookingState.CONFIRMED)
            .exclude(Exists(already))
            .select_related("client", "practice__owner")
        )
        for booking in due:
            for user in booking_participants(booking):
                count += len(notification_queue(recipient=user, kind=kind, booking=booking))
    return count


def payment_pending_queue_due(*, now: datetime | None = None) -> int:
    """Tell clients whose hold is about to run out that the payment is still open."""
    now = now or timezone.now()
    soon = now + timedelta(minutes=settings.PAYMENT_PENDING_NOTICE_MINUTES)
    already = Notification.objects.filter(booking=OuterRef("pk"), kind=Kind.PAYMENT_PENDING)
    due = (
        Booking.objects.filter(
            state=BookingState.HELD, hold_expires_at__gt=now, hold_expires_at__lte=soon
        )
        .exclude(Exists(already))
        .select_related("client")
    )
    return sum(
        len(notification_queue(recipient=b.client, kind=Kind.PAYMENT_PENDING, booking=b))
        for b in due
    )


def calendar_nudges_queue(*, now: datetime | None = None) -> int:
    """Weekly: coaches of published practices with no free hour in the next 14 days."""
    from coaching.practices.selectors import practice_ids_free_within

    now = now or timezone.now()
    practices = list(Practice.objects.filter(is_published=True).select_related("owner"))
    free = practice_ids_free_within(
        practice_ids=[p.pk for p in practices], within=timedelta(days=14), now=now
    )
    year, week, _ = now.isocalendar()
    return sum(
        len(
            notification_queue(
                recipient=p.owner, kind=Kind.CALENDAR_NUDGE, key=f"{year}-W{week:02d}"
            )
        )
        for p in practices
        if p.pk not in free
    )


def notifications_send_due(*, now: datetime | None = None) -> int:
    """One scan: queue what is due, then deliver everything pending. Returns messages sent."""
    reminders_queue_due(now=now)
    payment_pending_queue_due(now=now)
    return notifications_deliver_pending()
