"""Sessions the coach books or moves for a client, through the bookings and payments seam.

A session the coach books is an ordinary held booking (booking_hold: the practice locked, every
slot rule checked, the exclusion constraint behind it) whose hold lasts COACH_OFFER_HOURS
instead of minutes, so the client has time to pay. The client is told (a notification with the
booking's link, never more) and pays on `clients:pay`, which starts the same PayPal order as a
booking from the practice page (booking_start_payment); PayPal's return, the capture and the
confirmation are the bookings app's. A move is bookings' booking_move with the coach as actor:
the client is told and the calendar file gets a new revision there.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coaching.bookings.models import Booking, BookingState, Role
from coaching.bookings.services import BookingError, booking_hold, booking_move
from coaching.bookings.states import record
from coaching.clients import notify
from coaching.clients.models import Relationship, Side
from sofadoc.accounts.models import User

# Long enough for a client to see the message and pay; the held time blocks the coach's slot.
COACH_OFFER_HOURS = 48


def session_offer(
    *, relationship: Relationship, actor: User, session_type_id: int, start: datetime
) -> Booking:
    """Book `start` for the relationship's client, to be paid by them. Raises BookingError."""
    if relationship.side_of(actor) != Side.COACH:
        raise BookingError(_("This is not possible for you."))
    if not relationship.is_active:
        raise BookingError(_("This coaching relationship has ended."))
    with transaction.atomic(durable=True):
        booking = booking_hold(
            client=relationship.client,
            practice=relationship.practice,
            session_type_id=session_type_id,
            start=start,
        )
        # Not past the session itself: a hold that outlives the start would be paid too late.
        until = min(timezone.now() + timedelta(hours=COACH_OFFER_HOURS), booking.start)
        Booking.objects.filter(pk=booking.pk).update(hold_expires_at=until)
        booking.hold_expires_at = until
        record(booking, actor=actor, role=Role.COACH, reason="booked by the coach")
        notify.session_offered(booking=booking, recipient=relationship.client)
    return booking


def session_offered_to(user: User, reference: str) -> Booking | None:
    """A held booking the coach made for `user`, still waiting for payment."""
    return (
        Booking.objects.select_related("practice", "session_type")
        .filter(
            reference=reference,
            client=user,
            state=BookingState.HELD,
            hold_expires_at__gt=timezone.now(),
            events__reason="booked by the coach",
        )
        .first()
    )


def session_move(*, booking: Booking, actor: User, new_start: datetime) -> Booking:
    """The coach moves a confirmed session of their client (bookings' rules apply)."""
    if booking.practice.owner_id != actor.pk:
        raise BookingError(_("This is not possible for you."))
    return booking_move(booking=booking, actor=actor, new_start=new_start, role=Role.COACH)
