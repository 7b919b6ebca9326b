"""What a practice's cached page rests on (see sofadoc.pagecache).

A practice's page shows its profile and session types, retired with the directory listings'
version, and its free times, retired with the practice's own availability version: bumped by
any change to its weekly hours, time off or bookings (holds, payments, cancellations, moves,
expired holds), now and again when the transaction commits (a page rendered in between may
show what was about to change). Time itself retires the page too: see `free_times_hold_until`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sofadoc.pagecache import version_changed

if TYPE_CHECKING:
    from coaching.practices.models import Practice, SessionType

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


PAGE_DATA_SECONDS = 600


def published_practice_and_types(slug: str) -> tuple[Practice, list[SessionType]] | None:
    """The published practice at `slug` (its current slug) with its bookable session types, or
    None. Kept in Redis under the listings' version, which any save of a practice or session
    type bumps: one round trip instead of two queries (and their ORM compiling) for the
    practice page and the booking page. Free times never come from here; they are read afresh.
    """
    from coaching.practices.directory import versioned_get, versioned_set
    from coaching.practices.models import Practice

    key = f"practices:page-data:{slug}"
    cached, version = versioned_get(key)
    if cached is not None:
        return cached  # type: ignore[return-value]
    # Without the coach's account: nothing on these pages shows it (and Redis holds less).
    practice = Practice.objects.filter(slug=slug, is_published=True).first()
    if practice is None:
        return None
    found = (practice, list(practice.session_types.filter(is_active=True)))
    versioned_set(key, found, version=version, timeout=PAGE_DATA_SECONDS)
    return found
