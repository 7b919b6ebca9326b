"""Reads of bookings: the coach's busy time for the slot engine, and the lists people see."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from coaching.bookings.models import Booking, BookingState
from coaching.practices.availability import Interval
from sofadoc.accounts.staff import staff_with_two_factors


def holds_time(now: datetime | None = None) -> Q:
    """Bookings that keep the coach's time: confirmed ones, and holds that have not run out."""
    now = now or timezone.now()
    return Q(state=BookingState.CONFIRMED) | Q(state=BookingState.HELD, hold_expires_at__gt=now)


def booking_busy_intervals(
    *, practice_ids: Iterable[int], start: datetime, end: datetime
) -> dict[int, list[Interval]]:
    """The busy source registered with practices: blocked time (buffers included) per practice."""
    rows = (
        Booking.objects.filter(holds_time(), practice_id__in=list(practice_ids))
        .filter(blocked_start__lt=end, blocked_end__gt=start)
        .values_list("practice_id", "blocked_start", "blocked_end")
    )
    busy: defaultdict[int, list[Interval]] = defaultdict(list)
    for practice_id, blocked_start, blocked_end in rows:
        busy[practice_id].append(Interval(blocked_start, blocked_end))
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
