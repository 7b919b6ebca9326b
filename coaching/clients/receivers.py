"""Listening to bookings: a confirmed session makes (or reopens) the coach-client relationship.
Bookings send after commit; a failure here must never break the booking that triggered it."""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)


def on_confirmed(*, booking, **kwargs):
    from coaching.clients.services import RelationshipError, relationship_ensure

    try:
        relationship_ensure(practice=booking.practice, client=booking.client)
    except RelationshipError:
        pass
    except Exception:
        logger.exception("the coach-client relationship could not be recorded")


def connect() -> None:
    from coaching.bookings import signals

    signals.booking_confirmed.connect(on_confirmed, weak=False, dispatch_uid="clients.on_confirmed")
