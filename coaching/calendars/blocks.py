"""Hour blocks: single hours a coach keeps free, set in the week view.

A block that covers booked sessions is only stored once the coach decided about them: keep
them, or cancel them with a full refund (through bookings' own cancel service, as a
cancellation by the coach always refunds in full).
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction

from coaching.bookings.models import Booking, BookingState, Role
from coaching.bookings.services import BookingError, booking_cancel
from coaching.calendars.models import HourBlock
from coaching.practices.models import Practice
from coaching.practices.pages import availability_changed


class BlockCoversBookings(Exception):
    def __init__(self, bookings: list[Booking]) -> None:
        super().__init__(f"{len(bookings)} bookings")
        self.bookings = bookings


def bookings_covered(*, practice: Practice, start: datetime, end: datetime) -> list[Booking]:
    return list(
        Booking.objects.filter(
            practice=practice, state=BookingState.CONFIRMED, start__lt=end, end__gt=start
        ).order_by("start")
    )


def hour_block_add(
    *,
    practice: Practice,
    actor,
    start: datetime,
    end: datetime,
    bookings: str = "",
    reason: str = "",
) -> tuple[HourBlock, int]:
    """Block [start, end); returns the block and how many sessions were cancelled.

    Raises BlockCoversBookings when confirmed sessions fall inside and `bookings` is neither
    "keep" nor "cancel". Each cancellation commits on its own (its refund talks to PayPal); a
    session that cannot be cancelled any more (it started) is kept.
    """
    if practice.owner_id != actor.pk:
        raise PermissionDenied
    covered = bookings_covered(practice=practice, start=start, end=end)
    if covered and bookings not in ("keep", "cancel"):
        raise BlockCoversBookings(covered)
    with transaction.atomic():
        block = HourBlock.objects.create(practice=practice, start=start, end=end)
        transaction.on_commit(lambda: availability_changed(practice.pk))
    cancelled = 0
    if bookings == "cancel":
        for booking in covered:
            try:
                with transaction.atomic():
                    booking_cancel(booking=booking, actor=actor, role=Role.COACH, reason=reason)
                cancelled += 1
            except BookingError:
                continue
    return block, cancelled


def hour_block_remove(*, practice: Practice, actor, block_id: int) -> None:
    if practice.owner_id != actor.pk:
        raise PermissionDenied
    HourBlock.objects.filter(practice=practice, pk=block_id).delete()
    transaction.on_commit(lambda: availability_changed(practice.pk))
