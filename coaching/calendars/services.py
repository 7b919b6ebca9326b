"""Changing a coach's calendar connections (the views, admin and OAuth callbacks call these).

Connecting checks the account once (a remote call with a timeout; a failure is a form error,
nothing is stored) and enqueues the first sync after commit; everything later happens in the
sync task. Deleting a connection deletes its calendars and every imported busy time with it.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from coaching.calendars.models import (
    BusyInterval,
    CalendarConnection,
    RemoteCalendar,
)
from coaching.calendars.providers import ProviderError, provider_for
from coaching.practices.models import Practice
from coaching.practices.pages import availability_changed
from sofadoc.queue import task_enqueue_on_commit


def _check_owner(practice: Practice, actor) -> None:
    if practice.owner_id != actor.pk:
        raise PermissionDenied


def _sync_soon(connection: CalendarConnection) -> None:
    from coaching.calendars.tasks import sync_connection

    task_enqueue_on_commit(sync_connection, connection.pk)


def connection_create(
    *,
    practice: Practice,
    actor,
    provider: str,
    account_name: str,
    server_url: str = "",
    username: str = "",
    password: str = "",
    access_token: str = "",
    refresh_token: str = "",
    token_expires_at: datetime | None = None,
) -> CalendarConnection:
    """Store a connection after asking the provider for its calendars; ValidationError (with
    the provider's problem in words) when that fails. The first calendar counts as busy and
    receives bookings until the coach chooses otherwise. Call inside a transaction."""
    _check_owner(practice, actor)
    connection = CalendarConnection(
        practice=practice,
        provider=provider,
        account_name=account_name[:200],
        server_url=server_url,
        username=username,
        password=password,
        access_token=access_token,
        refresh_token=refresh_token,
        token_expires_at=token_expires_at,
    )
    try:
        found = provider_for(connection).calendars(connection)
    except ProviderError as error:
        raise ValidationError(error.message, code=error.kind) from error
    connection.save()
    takes_bookings = not RemoteCalendar.objects.filter(
        connection__practice=practice, receives_bookings=True
    ).exists()
    for index, info in enumerate(found):
        RemoteCalendar.objects.create(
            connection=connection,
            remote_id=info.remote_id,
            name=info.name[:200],
            counts_as_busy=True,
            receives_bookings=takes_bookings and index == 0 and info.writable,
        )
    _sync_soon(connection)
    return connection


def connection_sync_now(*, connection: CalendarConnection, actor) -> None:
    _check_owner(connection.practice, actor)
    CalendarConnection.objects.filter(pk=connection.pk).update(
        next_sync_at=timezone.now(), retry_after=None
    )
    _sync_soon(connection)


def connection_update(*, connection: CalendarConnection, actor, stale_after_hours: int) -> None:
    _check_owner(connection.practice, actor)
    connection.stale_after_hours = stale_after_hours
    connection.save(update_fields=["stale_after_hours"])
    transaction.on_commit(lambda: availability_changed(connection.practice_id))


def connection_delete(*, connection: CalendarConnection, actor) -> None:
    """Forget the connection, its calendars, secrets and imported busy times. Events already
    written for bookings stay in the coach's calendar (we no longer have access to it)."""
    _check_owner(connection.practice, actor)
    practice_id = connection.practice_id
    BusyInterval.objects.filter(calendar__connection=connection).delete()
    connection.delete()
    transaction.on_commit(lambda: availability_changed(practice_id))


def calendar_update(
    *,
    calendar: RemoteCalendar,
    actor,
    counts_as_busy: bool,
    all_day_blocks: bool,
    receives_bookings: bool,
) -> None:
    """The coach's choice for one calendar. One calendar of the practice receives bookings;
    choosing another moves that role. A calendar that stops counting loses its busy times;
    one that starts counting (or changes its all-day rule) is read in full at the next sync."""
    connection = calendar.connection
    _check_owner(connection.practice, actor)
    reread = (counts_as_busy and not calendar.counts_as_busy) or (
        all_day_blocks != calendar.all_day_blocks
    )
    calendar.counts_as_busy = counts_as_busy
    calendar.all_day_blocks = all_day_blocks
    if receives_bookings and not calendar.receives_bookings:
        RemoteCalendar.objects.filter(
            connection__practice_id=connection.practice_id, receives_bookings=True
        ).update(receives_bookings=False)
    calendar.receives_bookings = receives_bookings
    if not counts_as_busy:
        calendar.busy.all().delete()
        calendar.sync_token = ""
        calendar.ctag = ""
    if reread:
        calendar.full_synced_at = None
    calendar.save()
    transaction.on_commit(lambda: availability_changed(connection.practice_id))
    if reread:
        connection_sync_now(connection=connection, actor=actor)
