"""Calendars listening to bookings (sent after commit): a confirmed booking is written into the
coach's chosen calendar, a move updates it, a cancellation removes it. A failure here is logged
and never reaches the booking, which has committed already."""

from __future__ import annotations

import logging

from coaching.bookings.signals import booking_cancelled, booking_confirmed, booking_moved

logger = logging.getLogger(__name__)


def _want(booking, present: bool) -> None:
    from coaching.calendars.writeback import booking_event_want

    try:
        booking_event_want(booking_id=booking.pk, present=present)
    except Exception:
        logger.exception("calendar write-back for booking %s not recorded", booking.pk)


def on_confirmed(*, booking, **kwargs) -> None:
    _want(booking, True)


def on_moved(*, booking, **kwargs) -> None:
    _want(booking, True)


def on_cancelled(*, booking, **kwargs) -> None:
    _want(booking, False)


def connect() -> None:
    booking_confirmed.connect(on_confirmed, dispatch_uid="calendars-booking-confirmed")
    booking_moved.connect(on_moved, dispatch_uid="calendars-booking-moved")
    booking_cancelled.connect(on_cancelled, dispatch_uid="calendars-booking-cancelled")
