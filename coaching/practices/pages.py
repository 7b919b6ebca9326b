"""What a practice's cached page rests on (see sofadoc.pagecache).

A practice's page shows its profile and session types, retired with the directory listings'
version, and its free times, retired with the practice's own availability version: bumped by
any change to its weekly hours, time off or bookings (holds, payments, cancellations, moves,
expired holds), now and again when the transaction commits (a page rendered in between may
show what was about to change). Time itself retires the page too: see `free_times_hold_until`.
"""

from __future__ import annotations

import functools
import re
import time
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from sofadoc.kept import Kept
from sofadoc.pagecache import version_changed, version_current

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

# Published practices' slugs -> ids, as this process last read them; a stale entry only makes
# the prefetch read a version nobody asks for.
_practice_ids: Kept[str, int] = Kept(4096)


def availability_keys_at(path: str) -> list[str]:
    """The availability version a signed-in request for `path` reads, if it is a practice's
    page (or below it: booking, slots) whose id this process knows: prefetched with the
    person's values (sofadoc/prefetch.py), one round trip less."""
    match = _practice_path().match(path)
    practice_id = _practice_ids.get(match[1]) if match else None
    return [availability_version_key(practice_id)] if practice_id else []


@functools.cache
def _practice_path() -> re.Pattern[str]:
    from django.urls import reverse

    return re.compile(re.escape(reverse("practices:directory")) + r"([-\w]+)/")


def page_data_key(slug: str) -> str:
    """Where published_practice_and_types keeps the practice at `slug` with its types."""
    return f"practices:page-data:{slug}"


def published_practice_and_types(slug: str) -> tuple[Practice, list[SessionType]] | None:
    """The published practice at `slug` (its current slug) with its bookable session types, or
    None. Kept in Redis under the listings' version, which any save of a practice or session
    type bumps: one round trip instead of two queries (and their ORM compiling) for the
    practice page and the booking page. Free times never come from here; they are read afresh.
    """
    from coaching.practices.directory import versioned_get, versioned_set
    from coaching.practices.models import Practice

    key = page_data_key(slug)
    cached, version = versioned_get(key)
    found: tuple[Practice, list[SessionType]]
    if cached is not None:
        found = cached  # type: ignore[assignment]
    else:
        # Without the coach's account: nothing on these pages shows it (and Redis holds less).
        practice = Practice.objects.filter(slug=slug, is_published=True).first()
        if practice is None:
            return None
        found = (practice, list(practice.session_types.filter(is_active=True)))
        versioned_set(key, found, version=version, timeout=PAGE_DATA_SECONDS)
    _practice_ids.keep(slug, found[0].pk)
    # The version these rows were current under (None with the cache down), for what is kept
    # per process on their account (slot_shown_free, {% memo %} parts of the pages).
    found[0].listing_version = version  # type: ignore[attr-defined]
    return found


def published_session_type(slug: str, session_type_id: int) -> SessionType | None:
    """The active session type of the published practice at `slug`, with that practice, from
    its page data (published_practice_and_types: no query when kept); None when there is none
    (the caller then asks the database, which also knows old slugs and previews)."""
    found = published_practice_and_types(slug)
    for session_type in found[1] if found else ():
        if session_type.pk == session_type_id:
            return session_type
    return None


# Free answers of slot_shown_free, per process: (practice, type, start, versions) -> until.
_free: Kept[tuple, float] = Kept(4096)


def slot_shown_free(*, session_type: SessionType, start: datetime) -> bool:
    """Whether the booking page shows `start` as free (the hold checks again under its lock).

    A "free" answer is kept in this process for as long as it holds without any write: until
    the practice's availability version or the listings' version (session types' durations
    and buffers) moves, and at most until the minimum notice closes the slot. "Not free" is
    never kept: an expiring hold frees a slot without a write.
    """
    from coaching.practices.selectors import session_type_slot_is_free

    practice = session_type.practice
    listing = getattr(practice, "listing_version", None)
    availability = version_current(availability_version_key(practice.pk))
    key = (practice.pk, session_type.pk, start, listing, availability)
    now = time.time()
    if None not in key and _free.get(key, 0.0) > now:
        return True
    if not session_type_slot_is_free(session_type=session_type, start=start):
        return False
    if None not in key:
        _free.keep(key, (start - timedelta(hours=practice.min_notice_hours)).timestamp())
    return True


# practice_free_slots answers for pages, per process: key -> (until, slots).
_kept_slots: Kept[tuple, tuple[float, dict[int, list[datetime]]]] = Kept(1024)


def free_slots_kept(
    *,
    practice: Practice,
    session_types: list[SessionType],
    start: datetime,
    end: datetime,
    limits: dict[int, int],
    next_midnight: datetime,
) -> tuple[dict[int, list[datetime]], tuple | None]:
    """practice_free_slots for a page, kept in this process while it holds without a write:
    under the practice's availability version and the listings' version (which every change
    to hours, time off, bookings, busy time or the offer moves) and until time changes it
    (free_times_hold_until: the first slot's minimum notice, the viewer's midnight, at most
    PAGE_SECONDS). What people signed in see, for whom no whole page is kept.

    Also a stamp of the answer (None when it is not kept): the same stamp, the same free times,
    so what a page works out of them may be kept under it too."""
    from coaching.practices.selectors import practice_free_slots

    listing = getattr(practice, "listing_version", None)
    availability = version_current(availability_version_key(practice.pk))
    key = (
        practice.pk,
        listing,
        availability,
        tuple(session_type.pk for session_type in session_types),
        start,
        end,
        tuple(sorted(limits.items())),
    )
    keep = listing is not None and availability is not None
    hit = _kept_slots.get(key) if keep else None
    if hit is not None and hit[0] > time.time():
        until, slots = hit
    else:
        slots = practice_free_slots(
            practice=practice, session_types=session_types, start=start, end=end, limits=limits
        )
        if keep:
            first = min((times[0] for times in slots.values() if times), default=None)
            until = free_times_hold_until(
                now=datetime.now(UTC),
                first_slot=first,
                min_notice_hours=practice.min_notice_hours,
                next_midnight=next_midnight,
            )
            _kept_slots.keep(key, (until, slots))
    stamp = (key, until) if keep else None
    return {pk: list(times) for pk, times in slots.items()}, stamp  # the caller's own lists
