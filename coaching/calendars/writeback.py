"""Bookings written into the coach's chosen calendar: created when confirmed, updated when
moved, removed when cancelled.

The booking flow never waits for this: receivers (receivers.py) only record what the calendar
should show (`booking_event_want`) and enqueue the write after commit; the task
(`booking_event_write`) talks to the provider, and a failure schedules another try with
backoff (beat's `calendars.retry_write_backs` is the safety net for a lost task). Our own UID
per booking makes every write idempotent: writing again updates the same event.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from coaching.bookings.models import Booking, BookingState
from coaching.calendars.busytime import OWN_UID_SUFFIX
from coaching.calendars.models import BookingEvent, ConnectionState, RemoteCalendar, WriteState
from coaching.calendars.providers import ProviderError, provider_for
from coaching.calendars.providers.base import EventData
from sofadoc.queue import task_enqueue_on_commit

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 … minutes after each failed attempt, at most 6 hours."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), timedelta(hours=6))


def booking_event_want(*, booking_id: int, present: bool) -> BookingEvent | None:
    """Record that the booking's event should exist (confirmed, moved) or not (cancelled) and
    enqueue the write after commit. Nothing happens for a practice with no calendar chosen for
    bookings. Runs inside the caller's transaction or its own."""
    with transaction.atomic():
        booking = Booking.objects.only("pk", "practice_id", "reference").get(pk=booking_id)
        row = BookingEvent.objects.select_for_update().filter(booking_id=booking.pk).first()
        if row is None:
            if not present:
                return None
            target = (
                RemoteCalendar.objects.filter(
                    connection__practice_id=booking.practice_id, receives_bookings=True
                )
                .order_by("pk")
                .first()
            )
            if target is None:
                return None
            row = BookingEvent.objects.create(
                booking=booking, calendar=target, uid=f"{booking.reference}{OWN_UID_SUFFIX}"
            )
        else:
            row.present = present
            row.sequence += 1
            row.state = WriteState.PENDING
            row.attempts = 0
            row.next_attempt_at = timezone.now()
            row.last_error = ""
            row.save()
        task_enqueue_on_commit("calendars.write_booking_event", row.pk)
        return row


def booking_event_data(*, booking: Booking, row: BookingEvent) -> EventData:
    """Session type and the client's first name, the join link; nothing else about the client."""
    first_name = (booking.client.display_name or "").split(" ")[0] if booking.client else ""
    title = f"{booking.session_name} – {first_name}" if first_name else booking.session_name
    join = settings.SITE_URL + reverse("video:join", args=[booking.reference])
    return EventData(
        uid=row.uid,
        sequence=row.sequence,
        start=booking.start,
        end=booking.end,
        title=f"SofaDoc: {title}",
        description=join,
        url=join,
    )


def booking_event_write(*, booking_event_id: int, now: datetime | None = None) -> str:
    """Make the calendar show what the row wants; "done", "retry", "failed", "locked" or "gone".

    The row is locked while the provider is asked (a few seconds at most: every remote call
    has a timeout), so two workers never write the same event at once.
    """
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        row = (
            BookingEvent.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("booking__client", "calendar__connection")
            .filter(pk=booking_event_id)
            .first()
        )
        if row is None:
            return (
                "gone"
                if not BookingEvent.objects.filter(pk=booking_event_id).exists()
                else "locked"
            )
        if row.state != WriteState.PENDING:
            return row.state
        connection = row.calendar.connection
        provider = provider_for(connection)
        booking = row.booking
        wanted = row.present and booking.state in (BookingState.CONFIRMED, BookingState.COMPLETED)
        try:
            if connection.state == ConnectionState.BROKEN:
                raise ProviderError("auth", "connection broken")
            if wanted:
                row.remote_id = provider.event_put(
                    connection,
                    row.calendar,
                    event=booking_event_data(booking=booking, row=row),
                    remote_id=row.remote_id,
                )
            else:
                provider.event_delete(
                    connection, row.calendar, uid=row.uid, remote_id=row.remote_id
                )
        except ProviderError as error:
            row.attempts += 1
            row.last_error = f"{error.kind}: {error.detail}"[:300]
            if row.attempts >= MAX_ATTEMPTS:
                row.state = WriteState.FAILED
            else:
                delay = backoff(row.attempts)
                if error.retry_after:
                    delay = max(delay, timedelta(seconds=error.retry_after))
                row.next_attempt_at = now + delay
            row.save()
            connection.save(update_fields=["access_token", "token_expires_at"])
            return "failed" if row.state == WriteState.FAILED else "retry"
        row.state = WriteState.DONE
        row.last_error = ""
        row.save()
        connection.save(update_fields=["access_token", "token_expires_at"])
        return "done"


def booking_events_due(*, now: datetime | None = None, limit: int = 200) -> list[int]:
    now = now or timezone.now()
    return list(
        BookingEvent.objects.filter(state=WriteState.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
