"""A real CalDAV server (Radicale) for the calendar tests, and helpers to put events in it.

One Radicale process for the session (starting one takes about a second); each test gets a
user of its own, so tests never see each other's calendars.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import caldav
import pytest
from django.db import transaction

from coaching.calendars.models import CalendarConnection, Provider
from coaching.calendars.radicale import LocalRadicale
from coaching.calendars.services import connection_create
from tests.factories import PracticeFactory, SessionTypeFactory

_users = itertools.count(1)


@pytest.fixture(scope="session")
def radicale():
    with LocalRadicale(users={}) as server:
        yield server


class Account:
    """A Radicale user with one calendar, and the means to change events there directly."""

    def __init__(self, server: LocalRadicale, user: str, password: str) -> None:
        self.server = server
        self.user = user
        self.password = password
        server.set_password(user, password)
        self.client = caldav.DAVClient(server.url, username=user, password=password, timeout=10)
        self.calendar = self.client.principal().make_calendar(name="Arbeit", cal_id="work")

    @property
    def url(self) -> str:
        return self.server.url

    def add(self, uid: str, start: datetime, end: datetime, **props: str) -> None:
        self.calendar.save_event(ics(uid, start, end, **props))

    def add_raw(self, text: str) -> None:
        self.calendar.save_event(text)

    def remove(self, uid: str) -> None:
        self.calendar.event_by_uid(uid).delete()

    def uids(self) -> set[str]:
        found = set()
        for event in self.calendar.objects_by_sync_token(load_objects=True):
            for line in (event.data or "").splitlines():
                if line.startswith("UID:"):
                    found.add(line[4:].strip())
        return found

    def event_text(self, uid: str) -> str:
        return self.calendar.event_by_uid(uid).data


def ics(uid: str, start: datetime, end: datetime, **props: str) -> str:
    extra = "".join(f"{key.upper()}:{value}\r\n" for key, value in props.items())
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//tests//EN\r\nBEGIN:VEVENT\r\n"
        f"UID:{uid}\r\nDTSTAMP:20260101T000000Z\r\n"
        f"DTSTART:{start.astimezone(UTC):%Y%m%dT%H%M%SZ}\r\n"
        f"DTEND:{end.astimezone(UTC):%Y%m%dT%H%M%SZ}\r\n"
        f"SUMMARY:Zahnarzt\r\n{extra}END:VEVENT\r\nEND:VCALENDAR\r\n"
    )


@pytest.fixture
def account(radicale):
    n = next(_users)
    return Account(radicale, f"coach{n}", f"app-password-{n}")


@pytest.fixture
def calendar_practice(db):
    """A practice (Berlin, Mon–Fri 09–17, no notice, no buffers) with one 60-minute type."""
    practice = PracticeFactory(slug="kalender")
    SessionTypeFactory(practice=practice, name="Coaching", price="80.00", duration_minutes=60)
    return practice


def connect(practice, account: Account) -> CalendarConnection:
    with transaction.atomic():
        return connection_create(
            practice=practice,
            actor=practice.owner,
            provider=Provider.CALDAV,
            account_name=account.user,
            server_url=account.url,
            username=account.user,
            password=account.password,
        )
