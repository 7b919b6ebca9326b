"""A person's erasure as far as messages to others are concerned."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.db.models import Q

from coaching.bookings.models import Booking
from coaching.notifications.models import (
    Notification,
)
from privacy.redaction import REDACTED, identifiers_pattern

if TYPE_CHECKING:
    from sofadoc.accounts.models import User

logger = logging.getLogger(__name__)


def notifications_forget_person(*, user: User) -> int:
    """Take a person who erases their account out of the messages others got about their
    sessions (the coach's inbox: "Jonas booked a session with you"): their name, address and
    practice name become REDACTED. The messages stay; they belong to the other person. The
    person's own messages go with the registry's erasure step. Runs with the erasure's first
    step, while the person still exists; returns how many messages changed."""
    # Names, e-mail address, phone number (any spelling) and practice name, whole words only.
    pattern = identifiers_pattern(user)
    if pattern is None:
        return 0
    rows = (
        Notification.objects.select_for_update()
        .filter(booking__in=Booking.objects.filter(Q(client=user) | Q(practice__owner=user)))
        .exclude(recipient=user)
        .only("pk", "subject", "body")
    )
    changed = 0
    for row in rows:
        subject, body = pattern.sub(REDACTED, row.subject), pattern.sub(REDACTED, row.body)
        if (subject, body) != (row.subject, row.body):
            row.subject, row.body = subject, body
            row.save(update_fields=["subject", "body"])
            changed += 1
    return changed
