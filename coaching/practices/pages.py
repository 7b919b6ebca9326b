"""What a practice's cached page rests on (see sofadoc.pagecache).

A practice's page shows its profile and session types, retired with the directory listings'
version, and its free times, retired with the practice's own availability version: bumped by
any change to its weekly hours, time off or bookings (holds, payments, cancellations, moves,
expired holds), now and again when the transaction commits (a page rendered in between may
show what was about to change). Time itself retires the page too: see `free_times_hold_until`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sofadoc.pagecache import version_changed

# Never longer than this, whatever else holds.
PAGE_SECONDS = 300


def availability_version_key(practice_id: int) -> str:
    return f"practices:availability:{practice_id}"


def availability_changed(practice_id: int) -> None:
    version_changed(availability_version_key(practice_id))


def free_times_hold_until(
    *, now: datetime, first_slot: datetime | None, min_notice_hours: int, next_midnight: datetime
) -> float:
    """Until when a page of free times stays true without any change to the data: its first
    time stops being bookable once it is closer than the minimum notice, and at the viewer's
    midnight "today" (the page's first day) moves on."""
    until = [now + timedelta(seconds=PAGE_SECONDS), next_midnight]
    if first_slot is not None:
        until.append(first_slot - timedelta(hours=min_notice_hours))
    return min(until).timestamp()
