"""Queueing a message: one row per recipient and channel, delivered by a worker after commit.

`notify` is the public way for any app to send a message of a registered kind (see
`coaching/notifications/registry.py`); `notification_queue` does it for one recipient.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction

from coaching.bookings.models import Booking
from coaching.notifications.models import Notification
from coaching.notifications.preferences import channels_for, preferences_for, wants
from coaching.notifications.registry import kind_for
from sofadoc.queue import task_enqueue


def notify(
    *, recipients: Iterable, kind: str, key: str = "", booking: Booking | None = None
) -> int:
    """Queue a message of `kind` for each recipient on each channel they get it by.

    Once only: a recipient who already has this kind for this `key` (or this booking revision,
    when `booking` is given and `key` is empty) gets nothing new. `key` (≤ 32 characters) names
    the subject of the message, e.g. "thread:42:m17"; the kind's context builder reads it back.
    Safe inside the caller's transaction: delivery starts once it commits. Inactive recipients
    and None are skipped. Returns the number of rows queued now.
    """
    return sum(
        len(notification_queue(recipient=user, kind=kind, booking=booking, key=key))
        for user in recipients
    )


def notification_queue(
    *, recipient, kind: str, booking: Booking | None = None, key: str = ""
) -> list[Notification]:
    """Queue `kind` for `recipient` on each channel they get it by; a repeat is a no-op.

    Returns the rows created now. Safe inside a caller's transaction: delivery is enqueued
    only once it commits.
    """
    kind_for(kind)  # an unregistered kind fails here, in the caller, not later in a worker
    if recipient is None or not recipient.is_active:
        return []
    prefs = preferences_for(recipient)
    if not wants(prefs, kind):
        return []
    created = []
    with transaction.atomic():
        for channel in channels_for(prefs, kind):
            try:
                with transaction.atomic():
                    created.append(
                        Notification.objects.create(
                            recipient=recipient,
                            kind=kind,
                            channel=channel,
                            booking=booking,
                            booking_sequence=booking.sequence if booking else None,
                            key=key,
                        )
                    )
            except IntegrityError:
                continue  # already queued or sent: each message happens once
    pks = [row.pk for row in created]
    if pks:
        transaction.on_commit(lambda: enqueue_delivery(pks))
    return created


def enqueue_delivery(pks: list[int]) -> None:
    """Hand rows to the workers. If the broker is down the scan delivers them a minute later,
    so a Redis outage never breaks the booking (or whatever else queued the message)."""
    from coaching.notifications.tasks import deliver

    for pk in pks:
        if not task_enqueue(deliver, pk):
            return  # the broker is down: the rest would fail too; the scan has them all


def booking_participants(booking: Booking) -> list:
    return [user for user in (booking.client, booking.practice.owner) if user is not None]


def booking_notify(*, booking: Booking, kind: str, to_client_only: bool = False) -> int:
    """Queue a booking message for the client and (unless told otherwise) the coach."""
    booking = Booking.objects.select_related("client", "practice__owner").get(pk=booking.pk)
    recipients = [booking.client] if to_client_only else booking_participants(booking)
    return notify(recipients=recipients, kind=kind, booking=booking)
