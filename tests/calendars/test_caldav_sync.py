"""CalDAV end to end against a real Radicale: events there hide slots here after one sync."""

from datetime import UTC, datetime, timedelta

import pytest

from coaching.calendars.models import BusyInterval, ConnectionState
from coaching.calendars.sync import connection_sync
from coaching.calendars.tasks import sync_connection
from coaching.practices.selectors import session_type_free_slots
from tests.bookings.fixtures import NOW
from tests.calendars.conftest import connect

pytestmark = pytest.mark.django_db

TUESDAY = datetime(2026, 6, 2, tzinfo=UTC)  # Berlin is UTC+2: 09:00 local is 07:00 UTC


def utc(hour: float, day: datetime = TUESDAY) -> datetime:
    return day + timedelta(hours=hour)


def tuesday_slots(practice) -> list[datetime]:
    return session_type_free_slots(
        session_type=practice.session_types.get(), start=TUESDAY, end=TUESDAY + timedelta(days=1)
    )


def test_an_event_hides_the_slots_it_overlaps_and_comes_back_when_removed(
    calendar_practice, account, frozen
):
    connection = connect(calendar_practice, account)
    assert utc(8) in tuesday_slots(calendar_practice)

    account.add("dentist", utc(8), utc(9))  # 10:00–11:00 in Berlin
    assert sync_connection.apply(args=[connection.pk]).get() == "ok"

    slots = tuesday_slots(calendar_practice)
    assert utc(8) not in slots
    assert utc(7.5) not in slots  # 09:30–10:30 would overlap too
    assert utc(7) in slots and utc(9) in slots
    stored = BusyInterval.objects.get()
    assert (stored.start, stored.end) == (utc(8), utc(9))
    # Only start and end are kept: nothing of the title anywhere on the row.
    assert "Zahnarzt" not in str(BusyInterval.objects.values().get())

    account.remove("dentist")
    frozen.shift(timedelta(minutes=5))
    assert connection_sync(connection_id=connection.pk) == "ok"
    assert utc(8) in tuesday_slots(calendar_practice)
    assert not BusyInterval.objects.exists()


def test_the_sync_after_the_first_is_incremental(calendar_practice, account, frozen):
    connection = connect(calendar_practice, account)
    account.add("a", utc(8), utc(9))
    connection_sync(connection_id=connection.pk)
    calendar = connection.calendars.get()
    calendar.refresh_from_db()
    first_token = calendar.sync_token
    assert first_token.startswith("http://radicale.org/ns/sync/")
    assert calendar.full_synced_at is not None

    account.add("b", utc(11), utc(12))
    account.add("a", utc(12), utc(13))  # moved
    frozen.shift(timedelta(minutes=5))
    connection_sync(connection_id=connection.pk)
    calendar.refresh_from_db()
    assert calendar.sync_token != first_token
    assert calendar.full_synced_at == NOW  # no full read on the second sync
    assert sorted((b.start, b.end) for b in BusyInterval.objects.all()) == [
        (utc(11), utc(12)),
        (utc(12), utc(13)),
    ]

    # Nothing changed: the ctag says so, the token stays.
    frozen.shift(timedelta(minutes=5))
    connection_sync(connection_id=connection.pk)
    calendar.refresh_from_db()
    assert BusyInterval.objects.count() == 2


def test_a_stale_sync_token_reads_the_calendar_in_full(calendar_practice, account, frozen):
    connection = connect(calendar_practice, account)
    account.add("a", utc(8), utc(9))
    connection_sync(connection_id=connection.pk)
    calendar = connection.calendars.get()
    calendar.refresh_from_db()
    calendar.sync_token = "http://radicale.org/ns/sync/" + "0" * 64
    calendar.ctag = ""
    calendar.save()
    account.add("b", utc(11), utc(12))
    frozen.shift(timedelta(minutes=5))
    assert connection_sync(connection_id=connection.pk) == "ok"
    assert BusyInterval.objects.count() == 2


def test_free_tentative_and_cancelled_events_do_not_block(calendar_practice, account, frozen):
    connection = connect(calendar_practice, account)
    account.add("free", utc(7), utc(8), transp="TRANSPARENT")
    account.add("maybe", utc(9), utc(10), status="TENTATIVE")
    account.add("off", utc(10), utc(11), status="CANCELLED")
    account.add("busy", utc(12), utc(13), status="CONFIRMED")
    connection_sync(connection_id=connection.pk)
    slots = tuesday_slots(calendar_practice)
    assert {utc(7), utc(9), utc(10)} <= set(slots)
    assert utc(12) not in slots


def test_all_day_events_block_only_when_the_coach_asks_for_it(calendar_practice, account, frozen):
    from coaching.calendars.services import calendar_update

    connection = connect(calendar_practice, account)
    account.add_raw(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//\r\nBEGIN:VEVENT\r\nUID:holiday\r\n"
        "DTSTAMP:20260101T000000Z\r\nDTSTART;VALUE=DATE:20260602\r\n"
        "DTEND;VALUE=DATE:20260603\r\nSUMMARY:Urlaub\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    connection_sync(connection_id=connection.pk)
    assert tuesday_slots(calendar_practice)

    calendar = connection.calendars.get()
    calendar_update(
        calendar=calendar,
        actor=calendar_practice.owner,
        counts_as_busy=True,
        all_day_blocks=True,
        receives_bookings=True,
    )
    connection_sync(connection_id=connection.pk)
    assert tuesday_slots(calendar_practice) == []
    # The whole local day (Berlin), not the UTC day.
    stored = BusyInterval.objects.get()
    assert (stored.start, stored.end) == (utc(-2), utc(22))


def test_a_calendar_that_does_not_count_hides_nothing(calendar_practice, account, frozen):
    from coaching.calendars.services import calendar_update

    connection = connect(calendar_practice, account)
    account.add("a", utc(8), utc(9))
    connection_sync(connection_id=connection.pk)
    assert BusyInterval.objects.exists()
    calendar_update(
        calendar=connection.calendars.get(),
        actor=calendar_practice.owner,
        counts_as_busy=False,
        all_day_blocks=False,
        receives_bookings=False,
    )
    assert not BusyInterval.objects.exists()
    connection_sync(connection_id=connection.pk)
    assert utc(8) in tuesday_slots(calendar_practice)


def test_a_recurring_event_with_500_exceptions(calendar_practice, account, frozen):
    """Daily at 10:00 Berlin for two years, 500 days moved to 16:00: read within the window,
    moved occurrences where they were moved to."""
    connection = connect(calendar_practice, account)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//t//",
        "BEGIN:VEVENT",
        "UID:daily",
        "DTSTAMP:20260101T000000Z",
        "DTSTART:20260101T080000Z",
        "DTEND:20260101T090000Z",
        "RRULE:FREQ=DAILY;COUNT=730",
        "END:VEVENT",
    ]
    first = datetime(2026, 1, 1, 8, tzinfo=UTC)
    for n in range(500):
        day = first + timedelta(days=n)
        lines += [
            "BEGIN:VEVENT",
            "UID:daily",
            "DTSTAMP:20260101T000000Z",
            f"RECURRENCE-ID:{day:%Y%m%dT%H%M%SZ}",
            f"DTSTART:{day + timedelta(hours=6):%Y%m%dT%H%M%SZ}",
            f"DTEND:{day + timedelta(hours=7):%Y%m%dT%H%M%SZ}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    account.add_raw("\r\n".join(lines) + "\r\n")
    assert connection_sync(connection_id=connection.pk) == "ok"
    slots = tuesday_slots(calendar_practice)
    # 2 June 2026 is day 152: an exception, so 16:00 Berlin (14:00 UTC) is taken, 10:00 free.
    assert utc(14) not in slots
    assert utc(8) in slots
    connection.refresh_from_db()
    assert connection.state == ConnectionState.OK


def test_an_event_in_an_unknown_time_zone_is_read_in_the_practice_zone_and_reported(
    calendar_practice, account, frozen
):
    connection = connect(calendar_practice, account)
    account.add_raw(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//\r\nBEGIN:VEVENT\r\nUID:mars\r\n"
        "DTSTAMP:20260101T000000Z\r\nDTSTART;TZID=Mars/Olympus:20260602T100000\r\n"
        "DTEND;TZID=Mars/Olympus:20260602T110000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    account.add("fine", utc(12), utc(13))
    assert connection_sync(connection_id=connection.pk) == "ok"
    calendar = connection.calendars.get()
    assert "unbekannte Zeitzone" in calendar.problem  # stored as the coach reads it (German)
    slots = tuesday_slots(calendar_practice)
    assert utc(8) not in slots  # 10:00 read as Berlin
    assert utc(12) not in slots  # the rest keeps working


def test_ten_thousand_events_in_one_week_are_reported_and_the_rest_keeps_working(
    calendar_practice, account, frozen
):
    """10,000 occurrences in a week (every minute from Tuesday 09:00): the connection keeps
    working and says so; what was read blocks time. (Ten thousand separate files take Radicale
    minutes to store, so the storm comes as one recurring event.)"""
    connection = connect(calendar_practice, account)
    account.add_raw(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//\r\nBEGIN:VEVENT\r\nUID:storm\r\n"
        "DTSTAMP:20260101T000000Z\r\nDTSTART:20260602T070000Z\r\nDTEND:20260602T070100Z\r\n"
        "RRULE:FREQ=MINUTELY;COUNT=10000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    account.add("later", utc(24 * 8 + 8), utc(24 * 8 + 9))  # Wednesday of the next week
    assert connection_sync(connection_id=connection.pk) == "ok"
    calendar = connection.calendars.get()
    assert "Mehr als 2000 Termine in einer Woche" in calendar.problem
    assert "wiederholt sich zu oft" in calendar.problem
    connection.refresh_from_db()
    assert connection.state == ConnectionState.OK
    slots = tuesday_slots(calendar_practice)
    assert utc(7) not in slots and utc(12) not in slots
    nextweek = session_type_free_slots(
        session_type=calendar_practice.session_types.get(),
        start=utc(24 * 8),
        end=utc(24 * 9),
    )
    assert utc(24 * 8 + 8) not in nextweek and utc(24 * 8 + 10) in nextweek
