"""Google Calendar (API v3) over its REST endpoints.

Calendars: GET users/me/calendarList. Busy time: GET calendars/{id}/events with singleEvents
(recurrences expanded by Google), in full for the window or incrementally with the syncToken
of the last read; 410 Gone means the token is stale (full read). An event blocks unless it is
transparent, cancelled or tentative. Write-back: PUT/POST with our own event id (base32hex of
the booking's uid), so a retried insert answers 409 and becomes an update.
"""

from __future__ import annotations

import base64
from datetime import datetime
from urllib.parse import quote
from zoneinfo import ZoneInfo

from django.utils.dateparse import parse_date, parse_datetime

from coaching.calendars.busytime import clip, day_span, is_own_uid, source_key
from coaching.calendars.providers.base import CalendarInfo, Changes, EventData
from coaching.calendars.providers.oauth import (
    GOOGLE,
    TokenSession,
    raise_for_status,
    response_json,
)

API = "https://www.googleapis.com/calendar/v3"
MAX_PAGES = 100


def _session(connection) -> TokenSession:
    return TokenSession(GOOGLE, connection)


def event_id(uid: str) -> str:
    """Google event ids are base32hex (a–v, 0–9), 5–1024 characters: derived from our uid."""
    return base64.b32hexencode(uid.encode()).decode().rstrip("=").lower()


def _when(value: dict, zone: ZoneInfo, all_day_blocks: bool) -> datetime | None:
    if "dateTime" in value:
        moment = parse_datetime(value["dateTime"])
        if moment is None:
            raise ValueError("bad dateTime")
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=ZoneInfo(value.get("timeZone") or zone.key))
        return moment
    if "date" in value and all_day_blocks:
        day = parse_date(value["date"])
        # An all-day event's end date is exclusive: it ends at that day's midnight, so both
        # ends are the start of their local day.
        return day_span(day, zone)[0] if day else None
    return None


def busy_of(item: dict, *, window, zone: ZoneInfo, all_day_blocks: bool):
    """The busy interval of one events.list item, or None if it does not block."""
    if (
        item.get("status") in ("cancelled", "tentative")
        or item.get("transparency") == "transparent"
    ):
        return None
    if is_own_uid(str(item.get("iCalUID", ""))):
        return None
    start = _when(item.get("start", {}), zone, all_day_blocks)
    stop = _when(item.get("end", {}), zone, all_day_blocks)
    if start is None or stop is None:
        return None
    return clip(start, stop, window)


class GoogleProvider:
    def calendars(self, connection) -> list[CalendarInfo]:
        body = response_json(_session(connection).request("GET", f"{API}/users/me/calendarList"))
        return [
            CalendarInfo(
                item["id"],
                item.get("summaryOverride") or item.get("summary") or item["id"],
                item.get("accessRole") in ("owner", "writer"),
            )
            for item in body.get("items", [])
        ]

    def changes(self, connection, calendar, *, window, zone, full: bool) -> Changes:
        session = _session(connection)
        url = f"{API}/calendars/{quote(calendar.remote_id, safe='')}/events"
        if full or not calendar.sync_token:
            params = {
                "singleEvents": "true",
                "timeMin": window[0].isoformat(),
                "timeMax": window[1].isoformat(),
                "maxResults": "2500",
            }
            changes = Changes(full=True)
        else:
            params = {"singleEvents": "true", "syncToken": calendar.sync_token}
            changes = Changes(full=False)
        for _page in range(MAX_PAGES):
            body = response_json(session.request("GET", url, params=params))
            for item in body.get("items", []):
                key = source_key(item.get("id", ""))
                if item.get("status") == "cancelled":
                    changes.deleted.append(key)
                    continue
                try:
                    interval = busy_of(
                        item, window=window, zone=zone, all_day_blocks=calendar.all_day_blocks
                    )
                except (ValueError, KeyError, TypeError):
                    changes.problems.append("unreadable")
                    interval = None
                changes.objects[key] = [interval] if interval else []
            if body.get("nextPageToken"):
                params = {**params, "pageToken": body["nextPageToken"]}
                continue
            changes.sync_token = body.get("nextSyncToken", "")
            break
        return changes

    def event_put(self, connection, calendar, *, event: EventData, remote_id: str) -> str:
        session = _session(connection)
        base = f"{API}/calendars/{quote(calendar.remote_id, safe='')}/events"
        google_id = remote_id or event_id(event.uid)
        body = {
            "id": google_id,
            "iCalUID": event.uid,
            "summary": event.title,
            "description": event.description,
            "start": {"dateTime": event.start.isoformat()},
            "end": {"dateTime": event.end.isoformat()},
            "source": {"title": "SofaDoc", "url": event.url},
            "transparency": "opaque",
        }
        response = session.request("PUT", f"{base}/{google_id}", json=body)
        if response.status_code == 404:  # not there yet: create it under our id
            response = session.request("POST", base, json=body)
            if response.status_code == 409:  # created meanwhile (a retried insert)
                response = session.request("PUT", f"{base}/{google_id}", json=body)
        response_json(response)
        return google_id

    def event_delete(self, connection, calendar, *, uid: str, remote_id: str) -> None:
        url = (
            f"{API}/calendars/{quote(calendar.remote_id, safe='')}/events/"
            f"{remote_id or event_id(uid)}"
        )
        response = _session(connection).request("DELETE", url)
        if response.status_code in (404, 410):
            return  # already gone
        raise_for_status(response)


PROVIDER = GoogleProvider()
