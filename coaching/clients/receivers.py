"""Listening to bookings: a confirmed session makes (or reopens) the coach-client relationship.
Bookings send after commit; a failure here must never break the booking that triggered it.
Connected by importing this module in ClientsConfig.ready(); coaching/bookings/signals.py lists
the receivers."""

from __future__ import annotations

import logging
from typing import Any

from django.dispatch import receiver

from coaching.bookings.models import Booking
from coaching.bookings.signals import booking_confirmed
from coaching.clients.services import RelationshipError, relationship_ensure

logger = logging.getLogger(__name__)


@receiver(booking_confirmed, dispatch_uid="clients.on_confirmed")
def booking_confirmed_ensure_relationship(*, booking: Booking, **kwargs: Any) -> None:
    try:
        relationship_ensure(practice=booking.practice, client=booking.client)
    except RelationshipError:
        pass  # e.g. the client's account is being erased: nothing to relate
    except Exception:
        logger.exception("the coach-client relationship could not be recorded")
