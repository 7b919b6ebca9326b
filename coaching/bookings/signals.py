"""What bookings tell the rest of the site. Sent after commit, never for a rolled-back change.

Notifications (mail, SMS, inbox) connect here; until they exist nothing listens, and the
booking flow does not depend on anyone listening. Receivers get `booking` (and `refund` where
money went back).
"""

from django.db import transaction
from django.dispatch import Signal

booking_confirmed = Signal()
booking_cancelled = Signal()  # also: refund (or None) and cancelled_by
booking_moved = Signal()  # also: previous_start
booking_refunded = Signal()  # also: refund
payment_problem = Signal()  # a reversal, denial or failed refund that staff must look at


def send_on_commit(signal: Signal, **kwargs) -> None:
    transaction.on_commit(lambda: signal.send(sender="bookings", **kwargs))
