"""Calendars listening to bookings (sent after commit): a confirmed booking is written into the
coach's chosen calendar, a move updates it, a cancellation removes it. A failure here is logged
and never reaches the booking, which has committed already. Connected by importing this module
in CalendarsConfig.ready(); coaching/bookings/signals.py lists the receivers."""

from __future__ import annotations

import logging

from django.dispatch import receiver

from coaching.bookings.signals import booking_cancelled, booking_confirmed, booking_moved
from coaching.calendars.writeback import booking_event_want

logger = logging.getLogger(__name__)


def _want(booking, present: bool) -> None:
    try:
        booking_event_want(booking_id=booking.pk, present=present)
    except Exception:
        logger.exception("calendar write-back for booking %s not recorded", booking.pk)


@receiver(booking_confirmed, dispatch_uid="calendars-booking-confirmed")
def booking_confirmed_write_event(*, booking, **kwargs) -> None:
    _want(booking, True)


@receiver(booking_moved, dispatch_uid="calendars-booking-moved")
def booking_moved_update_event(*, booking, **kwargs) -> None:
    _want(booking, True)


@receiver(booking_cancelled, dispatch_uid="calendars-booking-cancelled")
def booking_cancelled_remove_event(*, booking, **kwargs) -> None:
    _want(booking, False)
