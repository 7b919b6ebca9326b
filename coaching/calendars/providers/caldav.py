"""CalDAV (iCloud, Nextcloud, mailbox.org, Posteo, Radicale …) through the `caldav` package.

Incremental sync uses the server's sync-collection report (RFC 6578) where offered, and its
ctag (getctag) to skip a calendar that has not changed at all; a full sync reads the window
with one calendar-query report. The connection's `server_url` may be the account's address
(every calendar of the principal is offered) or one calendar's own address.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import caldav
import icalendar
import requests
from caldav.elements import dav
from caldav.elements.base import ValuedBaseElement
from caldav.lib import error as dav_error

from coaching.calendars.busytime import ics_busy, source_key
from coaching.calendars.providers.base import (
    CalendarInfo,
    Changes,
    EventData,
    ProblemKind,
    ProviderError,
    timeout,
)

# More changed objects than this since the last sync: read the window in full (one report)
# rather than fetching each object.
INCREMENTAL_LIMIT = 500


class GetCTag(ValuedBaseElement):
    tag = "{http://calendarserver.org/ns/}getctag"


def _client(connection) -> caldav.DAVClient:
    return caldav.DAVClient(
        connection.server_url,
        username=connection.username,
        password=connection.password,
        timeout=timeout(),  # type: ignore[arg-type]  # requests' (connect, read) pair
    )


def _translated(call, *, odd_answers: bool = False):
    """Run a caldav call, turning its many failures into a ProviderError. With `odd_answers`
    (the first look at an address a coach typed), caldav choking on a reply that is not WebDAV
    at all means "not a calendar"; elsewhere such an error is a bug and is left to the sync's
    own handler, which records it as unreadable data."""
    try:
        return call()
    except ProviderError:
        raise
    except dav_error.AuthorizationError as error:
        raise ProviderError(ProblemKind.AUTH, str(error)) from error
    except (dav_error.NotFoundError, dav_error.PropfindError) as error:
        raise ProviderError(ProblemKind.NOT_A_CALENDAR, str(error)) from error
    except (requests.Timeout, requests.ConnectionError) as error:
        raise ProviderError(ProblemKind.UNREACHABLE, type(error).__name__) from error
    except dav_error.DAVError as error:
        status = str(getattr(error, "reason", "") or error)
        kind = ProblemKind.UNREACHABLE if " 5" in f" {status}" else ProblemKind.NOT_A_CALENDAR
        raise ProviderError(kind, status) from error
    except (ValueError, KeyError, AttributeError, TypeError, IndexError) as error:
        if not odd_answers:
            raise
        # The address answered with something that is not WebDAV (an HTML page, say).
        raise ProviderError(ProblemKind.NOT_A_CALENDAR, type(error).__name__) from error


def _calendar(connection, remote_calendar) -> caldav.Calendar:
    return caldav.Calendar(client=_client(connection), url=remote_calendar.remote_id)


def _key(url) -> str:
    return source_key(urlsplit(str(url)).path)


class CalDAVProvider:
    def calendars(self, connection) -> list[CalendarInfo]:
        def read():
            client = _client(connection)
            try:
                found = client.principal().calendars()
            except (dav_error.NotFoundError, dav_error.PropfindError, dav_error.DAVError):
                # Not an account address: perhaps the address of one calendar.
                one = caldav.Calendar(client=client, url=connection.server_url)
                if "VEVENT" not in one.get_supported_components():
                    raise
                found = [one]
            calendars = []
            for calendar in found:
                if "VEVENT" not in calendar.get_supported_components():
                    continue
                name = calendar.name or urlsplit(str(calendar.url)).path.rstrip("/").rsplit("/")[-1]
                calendars.append(CalendarInfo(str(calendar.url), name))
            if not calendars:
                raise ProviderError(ProblemKind.NOT_A_CALENDAR, "no event calendars")
            return calendars

        return _translated(read, odd_answers=True)

    def changes(
        self,
        connection,
        calendar,
        *,
        window: tuple[datetime, datetime],
        zone: ZoneInfo,
        full: bool,
    ) -> Changes:
        def read() -> Changes:
            remote = _calendar(connection, calendar)
            # One PROPFIND: the ctag (unchanged: nothing to read) and the current sync token
            # (what a full read now starts from).
            props = remote.get_properties([GetCTag(), dav.SyncToken()])
            ctag = str(props.get(GetCTag.tag) or "")
            token = str(props.get(dav.SyncToken.tag) or "")
            if ctag and ctag == calendar.ctag and not full:
                return Changes(
                    full=False, sync_token=calendar.sync_token, ctag=ctag, unchanged=True
                )
            if calendar.sync_token and token and not full:
                changed = self._incremental(remote, calendar, window, zone, ctag)
                if changed is not None:
                    return changed
            return self._full(remote, calendar, window, zone, ctag, token)

        return _translated(read)

    def _incremental(self, remote, calendar, window, zone, ctag) -> Changes | None:
        try:
            since = remote.objects_by_sync_token(sync_token=calendar.sync_token)
        except (dav_error.AuthorizationError, dav_error.ReportError, dav_error.DAVError):
            # RFC 6578: an unknown or expired token answers 403 (valid-sync-token); sync in full.
            return None
        urls = [obj.url for obj in since]
        if len(urls) > INCREMENTAL_LIMIT:
            return None
        changes = Changes(full=False, sync_token=str(since.sync_token or ""), ctag=ctag)
        found = {}
        if urls:
            for obj in remote.multiget(urls, raise_notfound=False):
                found[_key(obj.url)] = obj.data
        for url in urls:
            key = _key(url)
            if key not in found:
                changes.deleted.append(key)
                continue
            self._expand(changes, key, found[key], calendar, window, zone)
        return changes

    def _full(self, remote, calendar, window, zone, ctag, token) -> Changes:
        # Without a sync token (a server without sync-collection) the ctag, or else a full
        # read every time, decides.
        changes = Changes(full=True, sync_token=token, ctag=ctag)
        for obj in remote.search(start=window[0], end=window[1], event=True, expand=False):
            self._expand(changes, _key(obj.url), obj.data, calendar, window, zone)
        return changes

    @staticmethod
    def _expand(changes: Changes, key: str, data, calendar, window, zone) -> None:
        try:
            expansion = ics_busy(
                data, window=window, zone=zone, all_day_blocks=calendar.all_day_blocks
            )
        except Exception:  # one unreadable event must not stop the calendar
            changes.problems.append("unreadable")
            changes.objects[key] = []
            return
        changes.objects[key] = expansion.intervals
        changes.problems.extend(expansion.problems)

    def event_put(self, connection, calendar, *, event: EventData, remote_id: str) -> str:
        def put() -> str:
            remote = _calendar(connection, calendar)
            # Saving an object with the same UID again overwrites it (the href is derived from
            # the UID), so a repeated or retried write updates rather than duplicates.
            saved = remote.save_event(event_ics(event))
            return str(saved.url)

        return _translated(put)

    def event_delete(self, connection, calendar, *, uid: str, remote_id: str) -> None:
        def delete() -> None:
            remote = _calendar(connection, calendar)
            url = remote_id or f"{str(remote.url).rstrip('/')}/{uid}.ics"
            try:
                caldav.Event(client=remote.client, url=url, parent=remote).delete()
            except dav_error.NotFoundError:
                return  # already gone

        _translated(delete)


def event_ics(event: EventData) -> str:
    cal = icalendar.Calendar()
    cal.add("prodid", "-//SofaDoc//Buchungen//DE")
    cal.add("version", "2.0")
    vevent = icalendar.Event()
    vevent.add("uid", event.uid)
    vevent.add("sequence", event.sequence)
    vevent.add("dtstamp", datetime.now(tz=event.start.tzinfo))
    vevent.add("dtstart", event.start)
    vevent.add("dtend", event.end)
    vevent.add("summary", event.title)
    vevent.add("description", event.description)
    vevent.add("url", event.url)
    vevent.add("transp", "OPAQUE")
    cal.add_component(vevent)
    return cal.to_ical().decode()


PROVIDER = CalDAVProvider()
