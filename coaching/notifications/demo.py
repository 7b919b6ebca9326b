"""Demo messages: a welcome for each demo user and the confirmations of the demo bookings.

Only queued here; the demo's worker and minute scan deliver them (mail to the console, the
inbox under "Nachrichten"). Idempotent: the once-only constraints make a re-run a no-op.
"""

from __future__ import annotations

from collections.abc import Collection

from coaching.bookings.models import Booking, BookingState
from coaching.notifications.models import Kind
from coaching.notifications.queueing import booking_notify, notification_queue
from sofadoc.accounts.models import User


def seed(*, users: Collection[User]) -> int:
    count = sum(len(notification_queue(recipient=u, kind=Kind.WELCOME)) for u in users)
    for booking in Booking.objects.filter(
        client__in=users, state=BookingState.CONFIRMED
    ).select_related("client", "practice__owner"):
        count += booking_notify(booking=booking, kind=Kind.BOOKING_CONFIRMED)
    return count
