"""The booking state machine: every transition in one place, each written to the audit trail.

held ──► confirmed ──► completed ◄─► no_show
  │          └──────► cancelled (by client, coach or staff)
  ├──► expired ──► confirmed   (PayPal captured after the hold ran out, slot still free)
  └──► abandoned               (the client cancelled at PayPal)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coaching.bookings.models import Booking, BookingEvent, BookingState, Role
from sofadoc.errors import ShownError

S = BookingState
ALLOWED: dict[str, frozenset[str]] = {
    S.HELD: frozenset({S.CONFIRMED, S.EXPIRED, S.ABANDONED}),
    S.EXPIRED: frozenset({S.CONFIRMED}),
    S.CONFIRMED: frozenset({S.COMPLETED, S.NO_SHOW, S.CANCELLED}),
    # The coach corrects attendance either way after the session.
    S.COMPLETED: frozenset({S.NO_SHOW}),
    S.NO_SHOW: frozenset({S.COMPLETED}),
    S.ABANDONED: frozenset(),
    S.CANCELLED: frozenset(),
}

if TYPE_CHECKING:
    from sofadoc.accounts.models import User


class InvalidTransition(ShownError):
    def __init__(self, booking: Booking, to_state: str) -> None:
        super().__init__(
            _("This booking can no longer be changed that way."),
            detail=f"{booking.reference}: {booking.state} → {to_state} is not allowed",
        )


def transition(
    booking: Booking,
    to_state: str,
    *,
    actor: User | None = None,
    role: str = Role.SYSTEM,
    reason: str = "",
    fields: dict | None = None,
) -> Booking:
    """Move `booking` to `to_state` and record who did it and why.

    The caller holds the booking row locked (select_for_update) inside a transaction; `fields`
    are further columns to change in the same save.
    """
    if to_state not in ALLOWED[booking.state]:
        raise InvalidTransition(booking, to_state)
    from_state = booking.state
    booking.state = to_state
    for name, value in (fields or {}).items():
        setattr(booking, name, value)
    booking.save(update_fields=["state", "updated_at", *(fields or {})])
    BookingEvent.objects.create(
        booking=booking,
        actor=actor,
        actor_role=role,
        from_state=from_state,
        to_state=to_state,
        reason=reason[:255],
        created_at=timezone.now(),
    )
    return booking


def record(booking: Booking, *, actor: User | None = None, role: str, reason: str) -> None:
    """An audit entry without a state change (e.g. a moved session)."""
    BookingEvent.objects.create(
        booking=booking,
        actor=actor,
        actor_role=role,
        from_state=booking.state,
        to_state=booking.state,
        reason=reason[:255],
    )
