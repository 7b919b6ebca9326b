"""From a remote event to busy time: the rules every provider shares.

An event blocks slots only when it is busy: not free (TRANSP:TRANSPARENT / transparency
"transparent" / showAs "free"), not tentative, not cancelled. All-day events block only if the
coach asked for it on that calendar; an all-day event covers the whole local day in the
practice's zone. Only start and end leave this module.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events

# One remote object may expand to this many occurrences inside the sync window; a runaway
# recurrence (or a server answering with nonsense) is cut off there and reported.
MAX_OCCURRENCES_PER_OBJECT = 5000
# The events SofaDoc writes for bookings carry UIDs ending so; reading them back as busy time
# would block the booking's own slot (and its move), and bookings block their time already.
OWN_UID_SUFFIX = "@buchung.sofadoc.de"


def is_own_uid(uid: str) -> bool:
    return uid.endswith(OWN_UID_SUFFIX)


@dataclass
class Expansion:
    intervals: list[tuple[datetime, datetime]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def source_key(remote_ref: str) -> str:
    """A fixed-length name for a remote object that reveals nothing about the event."""
    return hashlib.sha256(remote_ref.encode()).hexdigest()


def day_span(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    return start, end


def clip(
    start: datetime, end: datetime, window: tuple[datetime, datetime]
) -> tuple[datetime, datetime] | None:
    start, end = max(start, window[0]), min(end, window[1])
    return (start, end) if end > start else None


def ics_busy(
    data: str | bytes,
    *,
    window: tuple[datetime, datetime],
    zone: ZoneInfo,
    all_day_blocks: bool,
) -> Expansion:
    """The busy intervals (UTC) of one calendar object's occurrences inside `window`.

    Floating times and times in a zone we do not know are read in the practice's zone (the
    latter is reported, since the event may then sit an hour or more off).
    """
    result = Expansion()
    calendar = icalendar.Calendar.from_ical(data)
    for component in calendar.walk("VEVENT"):
        # The expansion below drops the TZID parameter: look at the event as written.
        dtstart = component.get("DTSTART")
        naive = dtstart is not None and isinstance(dtstart.dt, datetime) and not dtstart.dt.tzinfo
        if naive and "TZID" in dtstart.params:
            result.problems.append("unknown_zone")
    occurrences = recurring_ical_events.of(calendar, skip_bad_series=True).between(*window)
    for count, event in enumerate(occurrences):
        if count >= MAX_OCCURRENCES_PER_OBJECT:
            result.problems.append("too_many")
            break
        if is_own_uid(str(event.get("UID", ""))):
            continue
        if str(event.get("TRANSP", "OPAQUE")).upper() == "TRANSPARENT":
            continue
        if str(event.get("STATUS", "CONFIRMED")).upper() in {"TENTATIVE", "CANCELLED"}:
            continue
        dtstart = event.get("DTSTART")
        if dtstart is None:
            continue
        start = dtstart.dt
        end_prop = event.get("DTEND")
        if end_prop is not None:
            end = end_prop.dt
        elif event.get("DURATION") is not None:
            end = start + event.get("DURATION").dt
        else:
            end = start + (timedelta(days=1) if not isinstance(start, datetime) else timedelta(0))
        if not isinstance(start, datetime):  # an all-day event
            if not all_day_blocks:
                continue
            span_start = day_span(start, zone)[0]
            last = end if not isinstance(end, datetime) else end.date()
            span_end = day_span(last - timedelta(days=1), zone)[1] if last > start else None
            if span_end is None:
                span_end = day_span(start, zone)[1]
            interval = clip(span_start, span_end, window)
        else:
            if start.tzinfo is None:
                start = start.replace(tzinfo=zone)
            if isinstance(end, datetime) and end.tzinfo is None:
                end = end.replace(tzinfo=zone)
            if not isinstance(end, datetime):
                end = datetime.combine(end, time(0), tzinfo=zone)
            interval = clip(start.astimezone(UTC), end.astimezone(UTC), window)
        if interval:
            result.intervals.append(interval)
    return result
