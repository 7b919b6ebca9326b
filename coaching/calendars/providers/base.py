"""What every calendar provider offers, and the errors it may raise (as plain data).

A provider never touches the database: it gets the connection row (for credentials; it may
update the access token fields, which the caller saves) and returns what it read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext_lazy as _


def timeout() -> tuple[float, float]:
    """(connect, read) seconds for every remote call: a sync runs in a worker, but a hanging
    server must not hold it, and a booking never waits for it at all. The read limit is the
    longer one because a large calendar takes a CalDAV server a while to answer."""
    return settings.CALENDAR_CONNECT_TIMEOUT, settings.CALENDAR_READ_TIMEOUT


class ProblemKind:
    AUTH = "auth"  # password changed, token revoked or expired: the coach must reconnect
    UNREACHABLE = "unreachable"  # network, timeouts, 5xx: retried; broken after an hour
    NOT_A_CALENDAR = "not_calendar"  # the address answers, but not as a CalDAV calendar
    RATE_LIMITED = "rate_limited"  # 429: wait `retry_after` seconds
    STALE_TOKEN = "stale_token"  # noqa: S105 - the sync token is no longer valid: sync in full
    BAD_DATA = "bad_data"  # the server sent something we cannot read


MESSAGES = {
    ProblemKind.AUTH: _(
        "The calendar refused our sign-in (password changed or access withdrawn). "
        "Please connect it again."
    ),
    ProblemKind.UNREACHABLE: _("The calendar server did not answer in time."),
    ProblemKind.NOT_A_CALENDAR: _("This address is not a CalDAV calendar server."),
    ProblemKind.RATE_LIMITED: _("The calendar service asked us to slow down; we try again later."),
    ProblemKind.STALE_TOKEN: _("The calendar had to be read again in full."),
    ProblemKind.BAD_DATA: _("The calendar sent data we could not read."),
}


class ProviderError(Exception):
    def __init__(self, kind: str, detail: str = "", *, retry_after: int | None = None) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail[:200]
        self.retry_after = retry_after

    @property
    def message(self) -> str:
        return str(MESSAGES[self.kind])


@dataclass(frozen=True)
class CalendarInfo:
    remote_id: str
    name: str
    writable: bool = True


@dataclass
class Changes:
    """What changed in one calendar since the sync token (everything if `full`).

    `objects` maps a remote object's key (see busytime.source_key) to its busy intervals in the
    window (an empty list: the object no longer blocks anything); `deleted` are keys that are
    gone; with `full` every key not in `objects` is gone.
    """

    full: bool
    objects: dict[str, list[tuple[datetime, datetime]]] = field(default_factory=dict)
    deleted: list[str] = field(default_factory=list)
    sync_token: str = ""
    ctag: str = ""
    problems: list[str] = field(default_factory=list)
    unchanged: bool = False  # the ctag says nothing changed: nothing was read


@dataclass(frozen=True)
class EventData:
    """The event written for a booking: no personal data beyond the client's first name."""

    uid: str
    sequence: int
    start: datetime
    end: datetime
    title: str
    description: str
    url: str


class Provider(Protocol):
    def calendars(self, connection) -> list[CalendarInfo]: ...

    def changes(
        self,
        connection,
        calendar,
        *,
        window: tuple[datetime, datetime],
        zone: ZoneInfo,
        full: bool,
    ) -> Changes: ...

    def event_put(self, connection, calendar, *, event: EventData, remote_id: str) -> str:
        """Create or update the event (idempotent by its uid); returns its remote id."""
        ...

    def event_delete(self, connection, calendar, *, uid: str, remote_id: str) -> None:
        """Remove the event; already gone counts as done."""
        ...
