"""Reading busy time from a coach's calendars into the database (run by Celery, never by a page).

`connection_sync` is the one entry point: beat's scan (`calendars.sync_due`) and the connect
flow enqueue it per connection. It reads every calendar that counts as busy through the
provider, replaces the imported intervals it changed, and records how it went on the
connection: a failure never raises out of it, it becomes the connection's state and problem.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coaching.calendars.models import (
    SYNC_EVERY,
    UNREACHABLE_BROKEN_AFTER,
    BusyInterval,
    CalendarConnection,
    ConnectionState,
    RemoteCalendar,
)
from coaching.calendars.providers import ProviderError, provider_for
from coaching.calendars.providers.base import Changes, ProblemKind
from coaching.calendars.signals import connection_broken
from coaching.practices.pages import availability_changed

logger = logging.getLogger(__name__)

# A full read now and then even when the sync token works: the window moves with the clock, so
# occurrences of recurring events enter it without any change on the server.
FULL_SYNC_EVERY = timedelta(hours=24)
# More events starting in one week than this is reported (they all still block time).
CROWDED_WEEK = 2000
BATCH = 2000


def sync_window(*, now: datetime, horizon_days: int) -> tuple[datetime, datetime]:
    """The time busy intervals are kept for: a day back (a page open since yesterday) up to the
    end of the practice's booking horizon, with a day's slack."""
    return now - timedelta(days=1), now + timedelta(days=horizon_days + 1)


def next_sync_time(connection: CalendarConnection, now: datetime) -> datetime:
    # Each connection keeps its own offset inside the minute, so connections made in the same
    # minute (a demo, an import) do not stay in step for ever.
    return now + SYNC_EVERY + timedelta(seconds=(connection.pk * 37) % 60)


def connection_sync(*, connection_id: int, full: bool = False) -> str:
    """Sync one connection; returns "ok", "failed", "locked" (another worker is at it),
    "paused" (rate limited) or "gone". Safe to run twice."""
    now = timezone.now()
    broken_now = False
    with transaction.atomic(durable=True):
        connection = (
            CalendarConnection.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("practice")
            .filter(pk=connection_id)
            .first()
        )
        if connection is None:
            exists = CalendarConnection.objects.filter(pk=connection_id).exists()
            return "locked" if exists else "gone"
        if connection.retry_after and connection.retry_after > now:
            return "paused"
        practice = connection.practice
        window = sync_window(now=now, horizon_days=practice.horizon_days)
        zone = ZoneInfo(practice.time_zone)
        provider = provider_for(connection)
        changed = False
        try:
            for calendar in connection.calendars.filter(counts_as_busy=True):
                whole = (
                    full
                    or calendar.synced_at is None
                    or calendar.full_synced_at is None
                    or calendar.full_synced_at < now - FULL_SYNC_EVERY
                )
                try:
                    changes = provider.changes(
                        connection, calendar, window=window, zone=zone, full=whole
                    )
                except ProviderError as error:
                    if error.kind != ProblemKind.STALE_TOKEN:
                        raise
                    changes = provider.changes(
                        connection, calendar, window=window, zone=zone, full=True
                    )
                changed |= _apply(calendar=calendar, changes=changes, now=now)
        except ProviderError as error:
            broken_now = _record_failure(connection, error=error, now=now)
            outcome = "failed"
        except Exception as error:  # a bug or odd data: recorded on the row, not raised
            logger.exception("calendar connection %s: sync failed", connection.pk)
            broken_now = _record_failure(
                connection, error=ProviderError(ProblemKind.BAD_DATA, repr(error)), now=now
            )
            outcome = "failed"
        else:
            was_stale = connection.stale_since() is not None or connection.state != "ok"
            _record_success(connection, now=now)
            changed |= was_stale  # slots come back once busy times are fresh again
            outcome = "ok"
        connection.last_sync_at = now
        connection.next_sync_at = max(
            connection.retry_after or now, next_sync_time(connection, now)
        )
        # The provider may have refreshed the access token on the row.
        connection.save()
        if changed or broken_now:
            transaction.on_commit(lambda: availability_changed(practice.pk))
        if broken_now:
            transaction.on_commit(
                lambda: connection_broken.send(sender=CalendarConnection, connection=connection)
            )
    return outcome


def _apply(*, calendar: RemoteCalendar, changes: Changes, now: datetime) -> bool:
    """Store what the provider read; True if busy time may have changed."""
    calendar.synced_at = now
    calendar.sync_token = changes.sync_token or calendar.sync_token
    calendar.ctag = changes.ctag
    if changes.unchanged:
        calendar.save(update_fields=["synced_at", "sync_token", "ctag"])
        return False
    stored = BusyInterval.objects.filter(calendar=calendar)
    if changes.full:
        stored.delete()
        calendar.full_synced_at = now
        if not changes.sync_token:
            calendar.sync_token = ""
    else:
        gone = [*changes.objects, *changes.deleted]
        for start in range(0, len(gone), BATCH):
            stored.filter(source__in=gone[start : start + BATCH]).delete()
    rows = [
        BusyInterval(
            calendar=calendar,
            practice_id=calendar.connection.practice_id,
            source=key,
            start=start,
            end=end,
        )
        for key, intervals in changes.objects.items()
        for start, end in intervals
    ]
    BusyInterval.objects.bulk_create(rows, batch_size=BATCH)
    calendar.problem = _problem_text(changes.problems, rows)[:300]
    calendar.save(update_fields=["synced_at", "full_synced_at", "sync_token", "ctag", "problem"])
    return True


def _problem_text(problems: list[str], rows: list[BusyInterval]) -> str:
    counts = Counter(problems)
    texts = []
    if counts["unknown_zone"]:
        texts.append(
            ngettext(
                "%(n)d event names a time zone we do not know; it was read in your practice's "
                "time zone.",
                "%(n)d events name a time zone we do not know; they were read in your "
                "practice's time zone.",
                counts["unknown_zone"],
            )
            % {"n": counts["unknown_zone"]}
        )
    if counts["unreadable"]:
        texts.append(
            ngettext(
                "%(n)d event could not be read and does not block time.",
                "%(n)d events could not be read and do not block time.",
                counts["unreadable"],
            )
            % {"n": counts["unreadable"]}
        )
    if counts["too_many"]:
        texts.append(_("A recurring event repeats too often; only its first occurrences count."))
    weeks = Counter(row.start.isocalendar()[:2] for row in rows)
    if weeks and max(weeks.values()) > CROWDED_WEEK:
        texts.append(
            _("More than %(n)d events in one week: please check this calendar.")
            % {"n": CROWDED_WEEK}
        )
    return " ".join(texts)


def _record_success(connection: CalendarConnection, *, now: datetime) -> None:
    connection.state = ConnectionState.OK
    connection.problem = ""
    connection.failing_since = None
    connection.broken_at = None
    connection.retry_after = None
    connection.last_success_at = now


def _record_failure(connection: CalendarConnection, *, error: ProviderError, now: datetime) -> bool:
    """Note the failure; True if the connection became broken just now (the coach is told)."""
    logger.warning("calendar connection %s: %s (%s)", connection.pk, error.kind, error.detail)
    connection.failing_since = connection.failing_since or now
    connection.problem = error.message[:300]
    if error.kind == ProblemKind.RATE_LIMITED:
        connection.retry_after = now + timedelta(seconds=error.retry_after or 60)
    lasting = now - connection.failing_since >= UNREACHABLE_BROKEN_AFTER
    if error.kind in (ProblemKind.AUTH, ProblemKind.NOT_A_CALENDAR) or lasting:
        if connection.state == ConnectionState.BROKEN:
            return False
        connection.state = ConnectionState.BROKEN
        connection.broken_at = now
        return True
    if connection.state != ConnectionState.BROKEN:
        connection.state = ConnectionState.FAILING
    return False
