"""Microsoft 365 / Outlook through Microsoft Graph (v1.0) over its REST endpoints.

Calendars: GET /me/calendars. Busy time: GET /me/calendars/{id}/calendarView/delta for the
window (occurrences expanded by Graph; times in UTC through the Prefer header), then the
deltaLink for the changes since; an invalid or expired delta (410 Gone) is read in full. An
event blocks when showAs is busy, oof or workingElsewhere and it is not cancelled. Write-back
creates with our uid as transactionId (Graph's guard against duplicates on a retried POST) and
updates or deletes the event by the id Graph gave it.
"""

from __future__ import annotations

from urllib.parse import quote
from zoneinfo import ZoneInfo

from django.utils.dateparse import parse_datetime

from coaching.calendars.busytime import clip, day_span, is_own_uid, source_key
from coaching.calendars.providers.base import CalendarInfo, Changes, EventData
from coaching.calendars.providers.oauth import (
    MICROSOFT,
    TokenSession,
    raise_for_status,
    response_json,
)

API = "https://graph.microsoft.com/v1.0"
MAX_PAGES = 200
BLOCKING = {"busy", "oof", "workingElsewhere"}
PREFER = {"Prefer": 'outlook.timezone="UTC", odata.maxpagesize=500'}


def _session(connection) -> TokenSession:
    return TokenSession(MICROSOFT, connection)


def _utc(value: dict):
    moment = parse_datetime(value["dateTime"])
    if moment is None:
        raise ValueError("bad dateTime")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    return moment


def busy_of(item: dict, *, window, zone: ZoneInfo, all_day_blocks: bool):
    if item.get("isCancelled") or item.get("showAs", "busy") not in BLOCKING:
        return None
    if is_own_uid(str(item.get("transactionId") or "")):
        return None
    start, end = _utc(item["start"]), _utc(item["end"])
    if item.get("isAllDay"):
        if not all_day_blocks:
            return None
        # Graph gives all-day events as midnights in the event's zone: take the local days.
        start = day_span(start.date(), zone)[0]
        end = day_span(end.date(), zone)[0]
    return clip(start, end, window)


class MicrosoftProvider:
    def calendars(self, connection) -> list[CalendarInfo]:
        body = response_json(_session(connection).request("GET", f"{API}/me/calendars"))
        return [
            CalendarInfo(item["id"], item.get("name") or item["id"], bool(item.get("canEdit")))
            for item in body.get("value", [])
        ]

    def changes(self, connection, calendar, *, window, zone, full: bool) -> Changes:
        session = _session(connection)
        if full or not calendar.sync_token:
            url = f"{API}/me/calendars/{quote(calendar.remote_id, safe='')}/calendarView/delta"
            params = {
                "startDateTime": window[0].isoformat(),
                "endDateTime": window[1].isoformat(),
            }
            changes = Changes(full=True)
        else:
            url, params = calendar.sync_token, None
            changes = Changes(full=False)
        for _page in range(MAX_PAGES):
            body = response_json(session.request("GET", url, params=params, headers=PREFER))
            for item in body.get("value", []):
                key = source_key(item.get("id", ""))
                if "@removed" in item:
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
            if body.get("@odata.nextLink"):
                url, params = body["@odata.nextLink"], None
                continue
            changes.sync_token = body.get("@odata.deltaLink", "")
            break
        return changes

    def event_put(self, connection, calendar, *, event: EventData, remote_id: str) -> str:
        session = _session(connection)
        body = {
            "subject": event.title,
            "body": {"contentType": "text", "content": event.description},
            "start": {"dateTime": event.start.strftime("%Y-%m-%dT%H:%M:%S"), "timeZone": "UTC"},
            "end": {"dateTime": event.end.strftime("%Y-%m-%dT%H:%M:%S"), "timeZone": "UTC"},
            "showAs": "busy",
        }
        if remote_id:
            response = session.request("PATCH", f"{API}/me/events/{remote_id}", json=body)
            if response.status_code != 404:
                response_json(response)
                return remote_id
        url = f"{API}/me/calendars/{quote(calendar.remote_id, safe='')}/events"
        created = response_json(
            session.request("POST", url, json={**body, "transactionId": event.uid})
        )
        return created["id"]

    def event_delete(self, connection, calendar, *, uid: str, remote_id: str) -> None:
        if not remote_id:
            return  # never created
        response = _session(connection).request("DELETE", f"{API}/me/events/{remote_id}")
        if response.status_code in (404, 410):
            return
        raise_for_status(response)


PROVIDER = MicrosoftProvider()
