"""What a participant may do with a booking now: the rules the services enforce, in one place,
so a booking's page offers exactly what the services will accept.

`role` is the participant's part in the booking (an `Role`: client, coach, staff), not the
user; the services take the user as `actor` for the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.utils import timezone

from coaching.bookings.models import Booking, BookingState, Role

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser


def booking_role(booking: Booking, user: AbstractBaseUser | AnonymousUser) -> str | None:
    """The part `user` plays in the booking: its coach or its client; None for anyone else."""
    if booking.practice.owner_id == user.pk:
        return Role.COACH
    if booking.client_id == user.pk:
        return Role.CLIENT
    return None


def booking_cancel_allowed(booking: Booking, *, now: datetime) -> bool:
    """Only an upcoming confirmed session can be cancelled (by any participant)."""
    return booking.state == BookingState.CONFIRMED and booking.start > now


def booking_refund_due(booking: Booking, *, role: str, now: datetime) -> bool:
    """A cancellation is refunded in full when the coach or staff cancel, or the client does so
    within the practice's free cancellation period; otherwise nothing is refunded."""
    return role != Role.CLIENT or booking.is_free_to_cancel(now)


def booking_move_allowed(booking: Booking, *, now: datetime) -> bool:
    """A confirmed session can be moved while it could still be cancelled free of charge."""
    return booking.state == BookingState.CONFIRMED and booking.is_free_to_cancel(now)


@dataclass(frozen=True)
class BookingPermissions:
    cancel: bool
    move: bool  # only the client moves their session
    refund_due: bool  # if cancelled now by this role


def booking_permissions(
    *, booking: Booking, role: str, now: datetime | None = None
) -> BookingPermissions:
    now = now or timezone.now()
    return BookingPermissions(
        cancel=booking_cancel_allowed(booking, now=now),
        move=role == Role.CLIENT and booking_move_allowed(booking, now=now),
        refund_due=booking_refund_due(booking, role=role, now=now),
    )
