"""Google Calendar and Microsoft Graph, faked at the HTTP level with `responses`: the real
client code runs (token refresh, incremental sync, stale tokens, rate limits, write-back)."""

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs

import pytest
import responses
from django.db import transaction

from coaching.calendars.models import BusyInterval, CalendarConnection, ConnectionState
from coaching.calendars.providers.base import EventData
from coaching.calendars.providers.google import API as GOOGLE_API
from coaching.calendars.providers.google import PROVIDER as GOOGLE
from coaching.calendars.providers.google import event_id
from coaching.calendars.providers.microsoft import API as GRAPH
from coaching.calendars.providers.microsoft import PROVIDER as MICROSOFT
from coaching.calendars.services import connection_create
from coaching.calendars.sync import connection_sync
from tests.calendars.test_caldav_sync import tuesday_slots, utc

pytestmark = pytest.mark.django_db

GOOGLE_TOKEN = "https://oauth2.googleapis.com/token"
MS_TOKEN = "https://login.microsoftonline.com/common/oauth2/v2.0/token"
EVENTS = f"{GOOGLE_API}/calendars/primary/events"


@pytest.fixture(autouse=True)
def oauth_apps(settings):
    settings.GOOGLE_CALENDAR_CLIENT_ID = "google-id"
    settings.GOOGLE_CALENDAR_CLIENT_SECRET = "google-secret"
    settings.MICROSOFT_CALENDAR_CLIENT_ID = "ms-id"
    settings.MICROSOFT_CALENDAR_CLIENT_SECRET = "ms-secret"


@pytest.fixture
def http():
    with responses.RequestsMock() as mock:
        yield mock


def google_event(event_id, start, end, **extra):
    return {
        "id": event_id,
        "status": "confirmed",
        "start": {"dateTime": start.isoformat()},
        "end": {"dateTime": end.isoformat()},
        **extra,
    }


def connect_google(practice, http):
    http.get(
        f"{GOOGLE_API}/users/me/calendarList",
        json={"items": [{"id": "primary", "summary": "Anna", "accessRole": "owner"}]},
    )
    with transaction.atomic():
        return connection_create(
            practice=practice,
            actor=practice.owner,
            provider="google",
            account_name="anna@example.org",
            access_token="old-access",
            refresh_token="refresh-1",
            token_expires_at=datetime(2026, 6, 1, 9, tzinfo=UTC),
        )


def test_google_full_then_incremental_sync_with_a_stale_token(calendar_practice, http, frozen):
    connection = connect_google(calendar_practice, http)
    http.get(
        EVENTS,
        json={
            "items": [
                google_event("a", utc(8), utc(9)),
                google_event("free", utc(10), utc(11), transparency="transparent"),
                google_event("maybe", utc(11), utc(12), status="tentative"),
            ],
            "nextSyncToken": "sync-1",
        },
    )
    assert connection_sync(connection_id=connection.pk) == "ok"
    assert "timeMin" in http.calls[-1].request.url
    assert http.calls[-1].request.headers["Authorization"] == "Bearer old-access"
    slots = tuesday_slots(calendar_practice)
    assert utc(8) not in slots and utc(10) in slots and utc(11) in slots

    # Incremental: the token goes along, a cancelled event is removed.
    http.get(
        EVENTS,
        json={
            "items": [{"id": "a", "status": "cancelled"}, google_event("b", utc(12), utc(13))],
            "nextSyncToken": "sync-2",
        },
    )
    frozen.shift(timedelta(minutes=5))
    connection_sync(connection_id=connection.pk)
    assert "syncToken=sync-1" in http.calls[-1].request.url
    assert sorted((b.start, b.end) for b in BusyInterval.objects.all()) == [(utc(12), utc(13))]

    # 410 Gone: the token is stale, everything is read again.
    http.get(EVENTS, status=410, json={"error": {"code": 410}})
    http.get(EVENTS, json={"items": [google_event("c", utc(9), utc(10))], "nextSyncToken": "s3"})
    frozen.shift(timedelta(minutes=5))
    assert connection_sync(connection_id=connection.pk) == "ok"
    assert [(b.start, b.end) for b in BusyInterval.objects.all()] == [(utc(9), utc(10))]
    assert connection.calendars.get().sync_token == "s3"


def test_google_refresh_refused_breaks_the_connection(calendar_practice, http, frozen):
    connection = connect_google(calendar_practice, http)
    CalendarConnection.objects.filter(pk=connection.pk).update(
        token_expires_at=datetime(2026, 6, 1, 7, tzinfo=UTC)  # expired: refresh first
    )
    http.post(GOOGLE_TOKEN, status=401, json={"error": "invalid_client"})
    assert connection_sync(connection_id=connection.pk) == "failed"
    body = parse_qs(http.calls[-1].request.body)
    assert body["grant_type"] == ["refresh_token"] and body["refresh_token"] == ["refresh-1"]
    connection.refresh_from_db()
    assert connection.state == ConnectionState.BROKEN


def test_google_access_token_is_refreshed_and_kept_encrypted(calendar_practice, http, frozen):
    connection = connect_google(calendar_practice, http)
    CalendarConnection.objects.filter(pk=connection.pk).update(
        token_expires_at=datetime(2026, 6, 1, 7, tzinfo=UTC)
    )
    http.post(GOOGLE_TOKEN, json={"access_token": "new-access", "expires_in": 3600})
    http.get(EVENTS, json={"items": [], "nextSyncToken": "t"})
    assert connection_sync(connection_id=connection.pk) == "ok"
    assert http.calls[-1].request.headers["Authorization"] == "Bearer new-access"
    connection.refresh_from_db()
    assert connection.access_token == "new-access"
    assert connection.refresh_token == "refresh-1"  # Google keeps the refresh token
    from django.db import connection as db

    with db.cursor() as cursor:
        cursor.execute(
            "SELECT access_token, refresh_token FROM calendars_calendarconnection WHERE id = %s",
            [connection.pk],
        )
        stored = cursor.fetchone()
    assert "new-access" not in stored[0] and "refresh-1" not in stored[1]


def test_google_rate_limit_waits_for_retry_after(calendar_practice, http, frozen):
    connection = connect_google(calendar_practice, http)
    http.get(EVENTS, status=429, headers={"Retry-After": "120"}, json={})
    assert connection_sync(connection_id=connection.pk) == "failed"
    connection.refresh_from_db()
    assert connection.retry_after == datetime(2026, 6, 1, 8, 2, tzinfo=UTC)
    assert connection.next_sync_at >= connection.retry_after
    assert connection.state == ConnectionState.FAILING
    assert connection_sync(connection_id=connection.pk) == "paused"  # no request sent
    assert len(http.calls) == 2  # calendar list, the 429


def test_google_write_back_creates_then_updates_under_our_own_id(calendar_practice, http, frozen):
    connection = connect_google(calendar_practice, http)
    calendar = connection.calendars.get()
    event = EventData(
        uid="SD-1@buchung.sofadoc.de",
        sequence=0,
        start=utc(8),
        end=utc(9),
        title="SofaDoc: Coaching – Jonas",
        description="https://sofadoc.de/bookings/SD-1/join/",
        url="https://sofadoc.de/bookings/SD-1/join/",
    )
    ours = event_id(event.uid)
    http.put(f"{EVENTS}/{ours}", status=404, json={})
    http.post(EVENTS, json={"id": ours})
    assert GOOGLE.event_put(connection, calendar, event=event, remote_id="") == ours
    sent = json.loads(http.calls[-1].request.body)
    assert sent["id"] == ours and sent["summary"] == "SofaDoc: Coaching – Jonas"
    assert set(sent) <= {
        "id",
        "iCalUID",
        "summary",
        "description",
        "start",
        "end",
        "source",
        "transparency",
    }

    http.delete(f"{EVENTS}/{ours}", status=410)
    GOOGLE.event_delete(connection, calendar, uid=event.uid, remote_id=ours)  # gone: fine


def connect_microsoft(practice, http):
    http.get(
        f"{GRAPH}/me/calendars",
        json={"value": [{"id": "AAA", "name": "Kalender", "canEdit": True}]},
    )
    with transaction.atomic():
        return connection_create(
            practice=practice,
            actor=practice.owner,
            provider="microsoft",
            account_name="anna@example.org",
            access_token="ms-access",
            refresh_token="ms-refresh",
            token_expires_at=datetime(2026, 6, 1, 9, tzinfo=UTC),
        )


def graph_event(event_id, start, end, **extra):
    return {
        "id": event_id,
        "showAs": "busy",
        "isCancelled": False,
        "isAllDay": False,
        "start": {"dateTime": start.strftime("%Y-%m-%dT%H:%M:%S.0000000"), "timeZone": "UTC"},
        "end": {"dateTime": end.strftime("%Y-%m-%dT%H:%M:%S.0000000"), "timeZone": "UTC"},
        **extra,
    }


def test_microsoft_delta_sync_pages_removals_and_stale_delta(calendar_practice, http, frozen):
    connection = connect_microsoft(calendar_practice, http)
    delta = f"{GRAPH}/me/calendars/AAA/calendarView/delta"
    http.get(
        delta,
        json={
            "value": [graph_event("1", utc(8), utc(9))],
            "@odata.nextLink": f"{delta}?$skiptoken=page2",
        },
    )
    http.get(
        f"{delta}?$skiptoken=page2",
        json={
            "value": [
                graph_event("2", utc(10), utc(11), showAs="tentative"),
                graph_event("3", utc(12), utc(13), showAs="oof"),
            ],
            "@odata.deltaLink": f"{delta}?$deltatoken=d1",
        },
    )
    assert connection_sync(connection_id=connection.pk) == "ok"
    assert 'outlook.timezone="UTC"' in http.calls[-1].request.headers["Prefer"]
    slots = tuesday_slots(calendar_practice)
    assert utc(8) not in slots and utc(10) in slots and utc(12) not in slots

    http.get(
        f"{delta}?$deltatoken=d1",
        json={
            "value": [{"id": "1", "@removed": {"reason": "deleted"}}],
            "@odata.deltaLink": f"{delta}?$deltatoken=d2",
        },
    )
    frozen.shift(timedelta(minutes=5))
    connection_sync(connection_id=connection.pk)
    assert utc(8) in tuesday_slots(calendar_practice)

    http.get(f"{delta}?$deltatoken=d2", status=410, json={"error": {"code": "syncStateNotFound"}})
    http.get(delta, json={"value": [], "@odata.deltaLink": f"{delta}?$deltatoken=d3"})
    frozen.shift(timedelta(minutes=5))
    assert connection_sync(connection_id=connection.pk) == "ok"
    assert not BusyInterval.objects.exists()


def test_microsoft_401_on_refresh_breaks_the_connection(calendar_practice, http, frozen):
    connection = connect_microsoft(calendar_practice, http)
    delta = f"{GRAPH}/me/calendars/AAA/calendarView/delta"
    http.get(delta, status=401, json={})  # the access token was revoked
    http.post(MS_TOKEN, status=400, json={"error": "invalid_grant"})
    assert connection_sync(connection_id=connection.pk) == "failed"
    connection.refresh_from_db()
    assert connection.state == ConnectionState.BROKEN


def test_microsoft_rate_limit(calendar_practice, http, frozen):
    connection = connect_microsoft(calendar_practice, http)
    delta = f"{GRAPH}/me/calendars/AAA/calendarView/delta"
    http.get(delta, status=429, headers={"Retry-After": "30"}, json={})
    assert connection_sync(connection_id=connection.pk) == "failed"
    connection.refresh_from_db()
    assert connection.retry_after == datetime(2026, 6, 1, 8, 0, 30, tzinfo=UTC)


def test_microsoft_write_back_uses_a_transaction_id_then_the_graph_id(
    calendar_practice, http, frozen
):
    connection = connect_microsoft(calendar_practice, http)
    calendar = connection.calendars.get()
    event = EventData(
        uid="SD-2@buchung.sofadoc.de",
        sequence=0,
        start=utc(8),
        end=utc(9),
        title="SofaDoc: Coaching – Jonas",
        description="https://sofadoc.de/bookings/SD-2/join/",
        url="https://sofadoc.de/bookings/SD-2/join/",
    )
    http.post(f"{GRAPH}/me/calendars/AAA/events", json={"id": "EV1"})
    assert MICROSOFT.event_put(connection, calendar, event=event, remote_id="") == "EV1"
    assert json.loads(http.calls[-1].request.body)["transactionId"] == event.uid
    http.patch(f"{GRAPH}/me/events/EV1", json={"id": "EV1"})
    assert MICROSOFT.event_put(connection, calendar, event=event, remote_id="EV1") == "EV1"
    http.delete(f"{GRAPH}/me/events/EV1", status=204)
    MICROSOFT.event_delete(connection, calendar, uid=event.uid, remote_id="EV1")
