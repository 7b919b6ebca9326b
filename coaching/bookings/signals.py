"""What bookings tell the apps above them. Sent after commit, never for a rolled-back change;
a failing receiver is logged and does not stop the others (the booking has committed).

One signal per domain event; every receiver is listed here (tests/test_signals.py keeps the
list true). Receivers get `booking` and the extra arguments named below.

booking_confirmed   → coaching.notifications.receivers.booking_confirmed_notify
                    → coaching.calendars.receivers.booking_confirmed_write_event
                    → coaching.clients.receivers.booking_confirmed_ensure_relationship
booking_cancelled   → coaching.notifications.receivers.booking_cancelled_notify
                    → coaching.calendars.receivers.booking_cancelled_remove_event
booking_moved       → coaching.notifications.receivers.booking_moved_notify
                    → coaching.calendars.receivers.booking_moved_update_event
booking_refunded    → coaching.notifications.receivers.booking_refunded_notify
payment_problem     → coaching.notifications.receivers.payment_problem_notify_staff
"""

from django.db import transaction
from django.dispatch import Signal

from sofadoc.events import event_send

booking_confirmed = Signal()
booking_cancelled = Signal()  # also: refund (or None) and cancelled_by
booking_moved = Signal()  # also: previous_start
booking_refunded = Signal()  # also: refund
payment_problem = Signal()  # also: problem; a reversal, denial or failed refund for staff


def send_on_commit(signal: Signal, **kwargs) -> None:
    transaction.on_commit(lambda: event_send(signal, sender="bookings", **kwargs))
