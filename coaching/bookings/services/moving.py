"""Moving a confirmed session to another free slot."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coaching.bookings.models import Booking, Role
from coaching.bookings.permissions import booking_move_allowed
from coaching.bookings.services.errors import BookingError, SlotTaken
from coaching.bookings.signals import booking_moved, send_on_commit
from coaching.bookings.states import record
from coaching.payments.services import purchase_line_reschedule
from coaching.practices.availability import Interval
from coaching.practices.models import Practice
from coaching.practices.selectors import session_type_slot_is_free

if TYPE_CHECKING:
    from sofadoc.accounts.models import User


def booking_move(
    *, booking: Booking, actor: User, new_start: datetime, role: str = Role.CLIENT
) -> Booking:
    """Move a confirmed session to another free slot, free of charge, while it may still be
    cancelled free of charge. Calendar files get a new revision. `role`: who moved it (the
    client from their booking, the coach from the client's page)."""
    now = timezone.now()
    with transaction.atomic():
        Practice.objects.select_for_update().get(pk=booking.practice_id)
        booking = (
            Booking.objects.select_for_update()
            .select_related("session_type", "practice")
            .get(pk=booking.pk)
        )
        if not booking_move_allowed(booking, now=now):
            raise BookingError(
                _(
                    "This session can no longer be moved: that is possible only until "
                    "the free cancellation deadline."
                )
            )
        if new_start == booking.start:
            return booking
        own = Interval(booking.blocked_start, booking.blocked_end)
        booking.session_type.practice = booking.practice
        if not session_type_slot_is_free(
            session_type=booking.session_type, start=new_start, now=now, ignore=[own]
        ):
            raise SlotTaken
        previous = booking.start
        rules = booking.practice.slot_rules(booking.session_type)
        blocked = rules.blocked(new_start)
        booking.start, booking.end = new_start, new_start + (booking.end - booking.start)
        booking.blocked_start, booking.blocked_end = blocked.start, blocked.end
        booking.sequence += 1
        try:
            with transaction.atomic():
                booking.save(
                    update_fields=[
                        "start",
                        "end",
                        "blocked_start",
                        "blocked_end",
                        "sequence",
                        "updated_at",
                    ]
                )
        except IntegrityError as error:
            raise SlotTaken from error
        record(booking, actor=actor, role=role, reason=f"moved from {previous.isoformat()}")
        if booking.purchase_id is not None:
            line = booking.purchase.lines.filter(kind="booking", object_id=booking.pk).first()  # type: ignore[union-attr]
            if line is not None:  # the receipt's date of service changes with it
                purchase_line_reschedule(line=line, service_date=booking.start)
        send_on_commit(booking_moved, booking=booking, previous_start=previous)
    return booking
