"""Queueing a message: one row per recipient and channel, delivered by a worker after commit.

`notify` is the public way for any app to send a message of a registered kind (see
`coaching/notifications/registry.py`); `notification_queue` does it for one recipient.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from coaching.bookings.models import Booking
from coaching.notifications.models import Channel, Kind, Notification
from coaching.notifications.preferences import channels_for, preferences_for, wants
from coaching.notifications.registry import kind_for
from sofadoc.accounts.models import User
from sofadoc.queue import task_enqueue


def notify(
    *, recipients: Iterable[User | None], kind: str, key: str = "", booking: Booking | None = None
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
    *,
    recipient: User | None,
    kind: str,
    booking: Booking | None = None,
    key: str = "",
    address: str = "",
    payload: dict[str, Any] | None = None,
) -> list[Notification]:
    """Queue `kind` for `recipient` on each channel they get it by; a repeat is a no-op.

    `address`: the e-mail goes there instead of the recipient's own address (one being
    confirmed). `payload`: what the text needs beyond the row (see sofadoc/mail.py).
    Returns the rows created now. Safe inside a caller's transaction: delivery is enqueued
    only once it commits.
    """
    kind_for(kind)  # an unregistered kind fails here, in the caller, not later in a worker
    if recipient is None or not recipient.is_active:
        return []
    prefs = preferences_for(recipient)
    if not wants(prefs, kind):
        return []
    rows = [
        Notification(
            recipient=recipient,
            kind=kind,
            channel=channel,
            booking=booking,
            booking_sequence=booking.sequence if booking else None,
            key=key,
            address=address if channel == Channel.EMAIL else "",
            payload=_payload_text(payload),
        )
        for channel in channels_for(prefs, kind)
    ]
    return _queue_rows(rows)


def mail_queue_row(
    *,
    kind: str,
    key: str,
    user: User | None = None,
    address: str = "",
    language: str = "",
    payload: dict[str, Any] | None = None,
) -> int:
    """sofadoc.mail's queue (installed by NotificationsConfig.ready()): one e-mail to a person
    or, without one, to an address in `language`. Returns the rows queued now."""
    if user is not None:
        rows = notification_queue(
            recipient=user, kind=kind, key=key, address=address, payload=payload
        )
        return len(rows)
    kind_for(kind)
    row = Notification(
        kind=kind,
        channel=Channel.EMAIL,
        key=key,
        address=address,
        language=(language or settings.LANGUAGE_CODE)[:8],
        payload=_payload_text(payload),
    )
    return len(_queue_rows([row]))


def _payload_text(payload: dict[str, Any] | None) -> str:
    return json.dumps(payload, ensure_ascii=False) if payload else ""


def _queue_rows(rows: list[Notification]) -> list[Notification]:
    created: list[Notification] = []
    with transaction.atomic():
        for row in rows:
            try:
                with transaction.atomic():
                    row.save(force_insert=True)
                    created.append(row)
            except IntegrityError:
                continue  # already queued or sent: each message happens once
    pks = [row.pk for row in created]
    if pks:
        transaction.on_commit(lambda: enqueue_delivery(pks))
    return created


def enqueue_delivery(pks: list[int]) -> None:
    """Hand rows to the workers. If the broker is down the scan delivers them a minute later,
    so a Redis outage never breaks the booking (or whatever else queued the message)."""
    for pk in pks:
        # By name: the tasks module imports the services, not the other way round.
        if not task_enqueue("notifications.deliver", pk):
            return  # the broker is down: the rest would fail too; the scan has them all


def booking_participants(booking: Booking) -> list[User]:
    return [user for user in (booking.client, booking.practice.owner) if user is not None]


def booking_notify(*, booking: Booking, kind: str, to_client_only: bool = False) -> int:
    """Queue a booking message for the client and (unless told otherwise) the coach."""
    booking = Booking.objects.select_related("client", "practice__owner").get(pk=booking.pk)
    recipients = [booking.client] if to_client_only else booking_participants(booking)
    return notify(recipients=recipients, kind=kind, booking=booking)


def staff_notify_payment_problem(*, booking: Booking, problem: str) -> int:
    """A reversal, denial or failed refund: every active staff member hears of it. The message
    names the booking only; what happened is in its payments and audit trail in the admin."""
    # Each problem is its own message (the key lifts the once-per-booking rule).
    key = f"problem-{timezone.now():%Y%m%d%H%M%S%f}"
    staff = User.objects.filter(is_staff=True, is_active=True)
    return notify(recipients=staff, kind=Kind.PAYMENT_PROBLEM, booking=booking, key=key)


def notification_resend(*, notification: Notification, actor: User) -> Notification:
    """Staff: send a message again as a new row (the log keeps the first attempt). The copy
    keeps the first row's key, so its kind finds the same object; `resend_of` alone takes it
    out of the once-only rule."""
    with transaction.atomic(durable=True):
        copy = Notification.objects.create(
            recipient=notification.recipient,
            address=notification.address,
            language=notification.language,
            payload=notification.payload,
            kind=notification.kind,
            channel=notification.channel,
            booking=notification.booking,
            booking_sequence=notification.booking_sequence,
            # The same key: the kind finds the same object (export, message, request) from it.
            key=notification.key,
            # What takes the copy out of the once-only rule.
            resend_of=notification.pk,
            reason=f"resend of #{notification.pk} by {actor.pk}",
        )
        pk = copy.pk
        transaction.on_commit(lambda: enqueue_delivery([pk]))
    return copy
