"""Calendar sync against a local Radicale, and what imported busy time costs slots.json.

1. Full sync of one calendar with 5,000 events over the next 90 days (seconds), twice.
2. Incremental sync after 20 events changed (seconds), twice; the reference is the full sync.
3. slots.json (60 days, one session type) of a practice with 2,000 imported busy intervals
   against the same practice without any (milliseconds, the same run, twice).
   Target: within 5 ms of the practice without.

    .venv/bin/python -m bench.calendar_sync

Uploading the 5,000 events to Radicale (one PUT of a whole calendar) is set-up, not measured;
it takes Radicale a minute or two.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import requests

from bench.common import fresh_address, measure, report, setup_django

EVENTS = 5000
DAYS = 90
CHANGED = 20
INTERVALS = 2000


def _vevent(uid: str, start: datetime, minutes: int = 50) -> str:
    return (
        f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20260101T000000Z\r\n"
        f"DTSTART:{start:%Y%m%dT%H%M%SZ}\r\n"
        f"DTEND:{start + timedelta(minutes=minutes):%Y%m%dT%H%M%SZ}\r\nSUMMARY:Termin\r\n"
        "END:VEVENT\r\n"
    )


def _practice(slug: str):
    from coaching.practices.models import Practice
    from sofadoc.accounts.models import User
    from tests.factories import PracticeFactory, SessionTypeFactory

    Practice.objects.filter(slug=slug).delete()
    User.objects.filter(email=f"{slug}@bench.example").delete()
    practice = PracticeFactory(
        owner__email=f"{slug}@bench.example",
        owner__display_name="Coach",
        hours=[(d, 8, 20) for d in range(7)],
        merchant=False,
        topics=False,
        name=slug,
        slug=slug,
        time_zone="Europe/Berlin",
        is_published=True,
        min_notice_hours=0,
        horizon_days=DAYS,
        buffer_after_minutes=10,  # the model's default
    )
    session_type = SessionTypeFactory(
        practice=practice, name="Sitzung", duration_minutes=50, price=90
    )
    return practice, session_type


def sync_figures(server) -> None:
    from django.db import transaction

    from coaching.calendars.models import BusyInterval
    from coaching.calendars.services import connection_create
    from coaching.calendars.sync import connection_sync

    server.set_password("bench", "bench")
    import caldav

    client = caldav.DAVClient(server.url, username="bench", password="bench", timeout=600)  # noqa: S106
    calendar = client.principal().make_calendar(name="Bench", cal_id="bench")
    start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    step = timedelta(days=DAYS) / EVENTS
    body = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bench//\r\n"
    body += "".join(_vevent(f"e{n}", start + n * step) for n in range(EVENTS))
    body += "END:VCALENDAR\r\n"
    print(f"Uploading {EVENTS} events to Radicale (set-up, not timed)...", flush=True)
    response = requests.put(
        str(calendar.url),
        data=body.encode(),
        auth=("bench", "bench"),
        headers={"Content-Type": "text/calendar"},
        timeout=900,
    )
    response.raise_for_status()

    practice, _ = _practice("bench-calendar-sync")
    with transaction.atomic():
        connection = connection_create(
            practice=practice,
            actor=practice.owner,
            provider="caldav",
            account_name="bench",
            server_url=server.url,
            username="bench",
            password="bench",  # noqa: S106 - the benchmark's throw-away server
        )
    figures: dict[str, float | int] = {}
    for run in (1, 2):
        started = time.perf_counter()
        assert connection_sync(connection_id=connection.pk, full=True) == "ok"
        figures[f"full run {run} s"] = time.perf_counter() - started
    figures["intervals"] = BusyInterval.objects.filter(practice=practice).count()
    for run in (1, 2):
        for n in range(CHANGED):  # move 20 events by an hour
            uid = f"e{n * 97 + run}"
            moved = start + (n * 97 + run) * step + timedelta(hours=1)
            calendar.save_event(
                "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bench//\r\n"
                + _vevent(uid, moved)
                + "END:VCALENDAR\r\n"
            )
        started = time.perf_counter()
        assert connection_sync(connection_id=connection.pk) == "ok"
        figures[f"incr. run {run} s"] = time.perf_counter() - started
    report(
        f"CalDAV sync, {EVENTS} events over {DAYS} days (local Radicale)",
        figures,
        f"incremental ({CHANGED} changed) well below the full sync",
    )


def slots_figures() -> None:
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from coaching.calendars.models import BusyInterval, CalendarConnection, RemoteCalendar

    with_busy, with_type = _practice("bench-calendar-busy")
    without, without_type = _practice("bench-calendar-free")
    connection = CalendarConnection.objects.create(
        practice=with_busy, provider="caldav", account_name="bench"
    )
    connection.last_success_at = timezone.now()
    connection.save()
    calendar = RemoteCalendar.objects.create(connection=connection, remote_id="x", name="x")
    first = timezone.now().replace(minute=0, second=0, microsecond=0)
    step = timedelta(days=60) / INTERVALS
    BusyInterval.objects.bulk_create(
        BusyInterval(
            calendar=calendar,
            practice=with_busy,
            source=f"{n:064d}",
            start=first + n * step,
            end=first + n * step + timedelta(minutes=25),
        )
        for n in range(INTERVALS)
    )
    client = Client()
    today = timezone.localdate()

    def url(practice, session_type):
        return (
            reverse("practices:slots", args=[practice.slug])
            + f"?type={session_type.pk}&start={today}&days=60"
        )

    busy_url, free_url = url(with_busy, with_type), url(without, without_type)
    assert client.get(busy_url).json()["slots"] != client.get(free_url).json()["slots"]
    # Computed for each request: an address not asked before (kept answers would hide the cost).
    fresh_free, fresh_busy = fresh_address(free_url), fresh_address(busy_url)
    for run in (1, 2):
        free = measure(lambda: client.get(fresh_free()), repeat=60)
        busy = measure(lambda: client.get(fresh_busy()), repeat=60)
        report(
            f"slots.json, 60 days, run {run}",
            {
                "without ms": free["median_ms"],
                f"{INTERVALS} busy ms": busy["median_ms"],
                "difference ms": busy["median_ms"] - free["median_ms"],
            },
            "difference within 5 ms",
        )


def main() -> None:
    setup_django()
    from django.conf import settings

    # The full read of 5,000 events takes a loaded Radicale longer than a sync's usual limit.
    settings.CALENDAR_READ_TIMEOUT = 600
    from coaching.calendars.radicale import LocalRadicale

    slots_figures()
    with LocalRadicale(users={}) as server:
        sync_figures(server)


if __name__ == "__main__":
    main()
