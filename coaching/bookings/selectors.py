"""Reads of bookings: the coach's busy time for the slot engine, and the lists people see."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from coaching.bookings.models import Booking, BookingState
from coaching.practices.availability import Interval
from coaching.practices.booked import BookedSession
from coaching.practices.models import SessionType
from coaching.practices.selectors import session_type_free_slots
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
        at = datetime.fromtimestamp
        return {
            practice_id: [Interval(at(lower, UTC), at(upper, UTC)) for lower, upper in rows]
            for practice_id, rows in _busy_merged_in_postgresql(ids, start, end, ignore).items()
        }
    return _busy_from_orm(ids, start, end, ignore)


def booking_busy_seconds(
    *,
    practice_ids: Iterable[int],
    start: datetime,
    end: datetime,
    ignore: Collection[Interval] = (),
) -> dict[int, list[tuple[float, float]]]:
    """booking_busy_intervals as (start, end) seconds since the epoch: on PostgreSQL the rows
    as they come (no datetime made for any), the slot engine's own unit."""
    ids = list(practice_ids)
    if connection.vendor == "postgresql":
        return _busy_merged_in_postgresql(ids, start, end, ignore)
    return {
        practice_id: [(i.start.timestamp(), i.end.timestamp()) for i in intervals]
        for practice_id, intervals in _busy_from_orm(ids, start, end, ignore).items()
    }


def _busy_from_orm(
    ids: list[int], start: datetime, end: datetime, ignore: Collection[Interval]
) -> dict[int, list[Interval]]:
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
) -> dict[int, list[tuple[float, float]]]:
    """Per practice, its merged busy time as (start, end) epoch seconds, sorted."""
    busy: defaultdict[int, list[tuple[float, float]]] = defaultdict(list)
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
    if one:
        busy[ids[0]] = rows
    else:
        for practice_id, lower, upper in rows:
            busy[practice_id].append((lower, upper))
    return busy


def bookings_for_client(user) -> QuerySet[Booking]:
    return (
        Booking.objects.filter(client=user)
        .exclude(state__in=[BookingState.EXPIRED, BookingState.ABANDONED])
        .select_related("practice", "session_type")
    )


def bookings_of_client_by_time(user, *, now: datetime) -> tuple[list[Booking], list[Booking]]:
    """The client's list: upcoming sessions (confirmed or held, not over yet) soonest first, and
    the rest (over, cancelled, ...) latest first."""
    bookings = list(bookings_for_client(user))
    upcoming = [
        b
        for b in bookings
        if b.end > now and b.state in (BookingState.CONFIRMED, BookingState.HELD)
    ]
    shown = {b.pk for b in upcoming}
    return upcoming, [b for b in reversed(bookings) if b.pk not in shown]


def booking_of_client(user, reference: str) -> Booking | None:
    """The booking if `user` is its client (PayPal's return and cancel legs), else None."""
    return (
        Booking.objects.select_related("practice").filter(reference=reference, client=user).first()
    )


def booking_preview(*, session_type: SessionType, start: datetime) -> Booking:
    """The booking a hold of `session_type` at `start` would make (unsaved), for the page that
    shows the session, its price and its rules before the client pays."""
    practice = session_type.practice
    return Booking(
        practice=practice,
        session_type=session_type,
        start=start,
        end=start + timedelta(minutes=session_type.duration_minutes),
        price=session_type.price,
        currency=session_type.currency,
        session_name=session_type.name,
        cancellation_window_hours=practice.cancellation_window_hours,
    )


def booking_move_choices(booking: Booking, *, zone: tzinfo) -> list[tuple[date, list[datetime]]]:
    """The free times a client may move `booking` to, per day in `zone`: two weeks from a week
    before the session (not before today), the booking's own blocked time counting as free,
    its own start left out (no move)."""
    first = max(
        timezone.localdate(timezone=zone),
        timezone.localdate(booking.start, zone) - timedelta(days=7),
    )
    start = datetime.combine(first, time.min, tzinfo=zone)
    own = Interval(booking.blocked_start, booking.blocked_end)
    slots = session_type_free_slots(
        session_type=booking.session_type, start=start, end=start + timedelta(days=14), ignore=[own]
    )
    days: dict[date, list[datetime]] = {}
    for slot in slots:
        if slot != booking.start:
            days.setdefault(timezone.localtime(slot, zone).date(), []).append(slot)
    return sorted(days.items())


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
