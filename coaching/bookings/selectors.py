"""Reads of bookings: the coach's busy time for the slot engine, and the lists people see."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from datetime import UTC, datetime

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from coaching.bookings.models import Booking, BookingState
from coaching.practices.availability import Interval
from coaching.practices.booked import BookedSession
from sofadoc.accounts.staff import staff_with_two_factors


def holds_time(now: datetime | None = None) -> Q:
    """Bookings that keep the coach's time: confirmed ones, and holds that have not run out."""
    now = now or timezone.now()
    return Q(state=BookingState.CONFIRMED) | Q(state=BookingState.HELD, hold_expires_at__gt=now)


def booking_busy_intervals(
    *,
    practice_ids: Iterable[int],
    start: datetime,
    end: datetime,
    ignore: Collection[Interval] = (),
) -> dict[int, list[Interval]]:
    """The busy source registered with practices: blocked time (buffers included) per practice,
    leaving out bookings whose blocked time equals one in `ignore` (e.g. the one being moved).

    On PostgreSQL the database merges touching and overlapping bookings (`range_agg`) and finds
    them through the exclusion constraint's GiST index, so the cost follows the bookings inside
    [start, end), not the coach's history; the bounds come back as epoch seconds, which psycopg
    reads in C, not as timestamps parsed one by one in Python.
    """
    ids = list(practice_ids)
    if connection.vendor == "postgresql":
        return _busy_merged_in_postgresql(ids, start, end, ignore)
    rows = (
        Booking.objects.filter(holds_time(), practice_id__in=ids)
        .filter(blocked_start__lt=end, blocked_end__gt=start)
        .values_list("practice_id", "blocked_start", "blocked_end")
    )
    busy: defaultdict[int, list[Interval]] = defaultdict(list)
    for practice_id, blocked_start, blocked_end in rows:
        interval = Interval(blocked_start, blocked_end)
        if interval not in ignore:
            busy[practice_id].append(interval)
    return busy


# The WHERE clause repeats `holds_time()` and names the exclusion constraint's expression and
# partial predicate (migration 0002) word for word, so the planner may use its GiST index (with
# the practice as a bigint, the type of the indexed column). range_agg's ranges come out sorted.
# One practice (every page, slots.json, a booking): a plain aggregate, no grouping to sort.
_BUSY_ONE_SQL = """
SELECT extract(epoch FROM lower(r))::float8, extract(epoch FROM upper(r))::float8
FROM unnest((
    SELECT range_agg(tstzrange(blocked_start, blocked_end, '[)')) FROM bookings_booking
    WHERE practice_id = %s::bigint
      AND state IN ('held', 'confirmed')
      AND (state = 'confirmed' OR hold_expires_at > %s)
      AND tstzrange(blocked_start, blocked_end, '[)') && tstzrange(%s, %s, '[)')
      {ignore}
)) AS r
"""
_BUSY_MANY_SQL = """
SELECT b.practice_id, extract(epoch FROM lower(r))::float8, extract(epoch FROM upper(r))::float8
FROM (
    SELECT practice_id, range_agg(tstzrange(blocked_start, blocked_end, '[)')) AS busy
    FROM bookings_booking
    WHERE practice_id = ANY(%s::bigint[])
      AND state IN ('held', 'confirmed')
      AND (state = 'confirmed' OR hold_expires_at > %s)
      AND tstzrange(blocked_start, blocked_end, '[)') && tstzrange(%s, %s, '[)')
      {ignore}
    GROUP BY practice_id
) AS b CROSS JOIN LATERAL unnest(b.busy) AS r
"""


def _busy_merged_in_postgresql(
    ids: list[int], start: datetime, end: datetime, ignore: Collection[Interval]
) -> dict[int, list[Interval]]:
    busy: defaultdict[int, list[Interval]] = defaultdict(list)
    if not ids:
        return busy
    one = len(ids) == 1
    params: list = [ids[0] if one else ids, timezone.now(), start, end]
    leave_out = ""
    for interval in ignore:
        leave_out += " AND NOT (blocked_start = %s AND blocked_end = %s)"
        params += [interval.start, interval.end]
    sql = (_BUSY_ONE_SQL if one else _BUSY_MANY_SQL).format(ignore=leave_out)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    at = datetime.fromtimestamp
    if one:
        busy[ids[0]] = [Interval(at(lower, UTC), at(upper, UTC)) for lower, upper in rows]
    else:
        for practice_id, lower, upper in rows:
            busy[practice_id].append(Interval(at(lower, UTC), at(upper, UTC)))
    return busy


def bookings_for_client(user) -> QuerySet[Booking]:
    return (
        Booking.objects.filter(client=user)
        .exclude(state__in=[BookingState.EXPIRED, BookingState.ABANDONED])
        .select_related("practice", "session_type")
    )


def bookings_for_coach(user) -> QuerySet[Booking]:
    return (
        Booking.objects.filter(practice__owner=user)
        .exclude(state__in=[BookingState.EXPIRED, BookingState.ABANDONED, BookingState.HELD])
        .select_related("practice", "client")
    )


def booking_for_participant(user, reference: str) -> Booking | None:
    """The booking if `user` is its client, its coach or staff with two factors (as the admin
    demands); None otherwise (→ 404)."""
    bookings = Booking.objects.select_related(
        "practice", "practice__owner", "session_type", "client"
    )
    if not staff_with_two_factors(user):
        bookings = bookings.filter(Q(client=user) | Q(practice__owner=user))
    return bookings.filter(reference=reference).first()


def sessions_booked_between(
    *, practice_id: int, start: datetime, end: datetime
) -> list[BookedSession]:
    """The source registered with practices (booked.py): confirmed sessions overlapping
    [start, end), for the warning when time off covers them."""
    bookings = (
        Booking.objects.filter(
            practice_id=practice_id, state=BookingState.CONFIRMED, start__lt=end, end__gt=start
        )
        .select_related("client")
        .order_by("start")
    )
    return [
        BookedSession(
            reference=booking.reference,
            start=booking.start,
            end=booking.end,
            session_name=booking.session_name,
            client_name=booking.client.display_name if booking.client else "",
        )
        for booking in bookings
    ]
