"""Which sessions are booked in a stretch of a practice's time, asked of the app that knows.

Practices must not import bookings, so bookings registers its answer here from its
AppConfig.ready(), the way it reports busy time (`busy.py`):

    register_booked_sessions(sessions_booked_between)   # (*, practice_id, start, end) -> list

Time off uses it to warn the coach before and after saving days off that cover confirmed
sessions: saving never cancels them, the coach moves or cancels each one. With nothing
registered no session is booked, which is true before bookings exist.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from coaching.practices.models import Practice, TimeOff


@dataclass(frozen=True)
class BookedSession:
    """A confirmed session as the warning shows it; `reference` names it in the booking URLs."""

    reference: str
    start: datetime
    end: datetime
    session_name: str
    client_name: str


BookedSessions = Callable[..., list[BookedSession]]

_sources: list[BookedSessions] = []


def register_booked_sessions(source: BookedSessions) -> BookedSessions:
    if source not in _sources:
        _sources.append(source)
    return source


def sessions_booked(*, practice_id: int, start: datetime, end: datetime) -> list[BookedSession]:
    """Confirmed sessions overlapping [start, end) (UTC), sorted by start."""
    found: list[BookedSession] = []
    for source in _sources:
        found.extend(source(practice_id=practice_id, start=start, end=end))
    return sorted(found, key=lambda session: session.start)


def _days(first_day: date, last_day: date, zone: str) -> tuple[datetime, datetime]:
    """Whole days first_day..last_day of the practice's zone as a UTC [start, end)."""
    tz = ZoneInfo(zone)
    start = datetime.combine(first_day, time(0), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
    return start, end


def sessions_on_days(
    *, practice: Practice, first_day: date, last_day: date, now: datetime
) -> list[BookedSession]:
    """Confirmed sessions still to come on the practice's days first_day..last_day."""
    start, end = _days(first_day, last_day, practice.time_zone)
    if end <= now:
        return []
    return sessions_booked(practice_id=practice.pk, start=max(start, now), end=end)


def time_off_with_sessions(
    *, practice: Practice, time_off: list[TimeOff], now: datetime
) -> list[tuple[TimeOff, list[BookedSession]]]:
    """Each stretch of time off with the sessions still booked on its days (one registry call
    for all of them)."""
    ahead = [
        off for off in time_off if _days(off.first_day, off.last_day, practice.time_zone)[1] > now
    ]
    booked: list[BookedSession] = []
    if ahead:
        booked = sessions_on_days(
            practice=practice,
            first_day=min(off.first_day for off in ahead),
            last_day=max(off.last_day for off in ahead),
            now=now,
        )
    found = []
    for off in time_off:
        start, end = _days(off.first_day, off.last_day, practice.time_zone)
        found.append((off, [s for s in booked if s.start < end and s.end > start]))
    return found


__all__ = [
    "BookedSession",
    "register_booked_sessions",
    "sessions_booked",
    "sessions_on_days",
    "time_off_with_sessions",
]
