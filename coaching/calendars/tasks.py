"""Calendar jobs. Beat runs the two scans every minute; the per-item tasks are enqueued by the
scans, by the connect flow and by booking receivers (through sofadoc.queue), and are safe to
run twice."""

from __future__ import annotations

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from coaching.calendars.models import SYNC_EVERY, CalendarConnection
from sofadoc.queue import task_enqueue


@shared_task(name="calendars.sync_connection")
def sync_connection(connection_id: int) -> str:
    from coaching.calendars.sync import connection_sync

    return connection_sync(connection_id=connection_id)


@shared_task(name="calendars.write_booking_event")
def write_booking_event(booking_event_id: int) -> str:
    from coaching.calendars.writeback import booking_event_write

    return booking_event_write(booking_event_id=booking_event_id)


@shared_task(name="calendars.sync_due")
def sync_due() -> int:
    """Enqueue the syncs that are due, spread out: each minute takes a fifth of the due
    connections (at least one), so a backlog after a beat outage drains over five minutes
    instead of hitting every provider at once. Each connection's next time is moved on at once,
    so the next scan does not enqueue it again while its task waits."""
    now = timezone.now()
    with transaction.atomic(durable=True):
        due = CalendarConnection.objects.filter(next_sync_at__lte=now)
        share = max(1, -(-due.count() // 5))
        ids = list(
            due.order_by("next_sync_at")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:share]
        )
        CalendarConnection.objects.filter(pk__in=ids).update(next_sync_at=now + SYNC_EVERY)
    for connection_id in ids:
        task_enqueue(sync_connection, connection_id)
    return len(ids)


@shared_task(name="calendars.retry_write_backs")
def retry_write_backs() -> int:
    """Writes whose backoff has passed, or whose task the broker lost."""
    from coaching.calendars.writeback import booking_events_due

    ids = booking_events_due()
    for row_id in ids:
        task_enqueue(write_booking_event, row_id)
    return len(ids)
