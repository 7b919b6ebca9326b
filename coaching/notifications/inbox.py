"""The in-app inbox: reading messages (the cached unread count follows)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.utils import timezone

from coaching.notifications.models import (
    Channel,
    Notification,
    Status,
)
from coaching.notifications.selectors import inbox_changed

if TYPE_CHECKING:
    from sofadoc.accounts.models import User

logger = logging.getLogger(__name__)


def notification_mark_read(*, notification: Notification, actor: User) -> None:
    if notification.recipient_id != actor.pk:
        raise PermissionError("not the recipient")
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        inbox_changed(actor.pk)


def notifications_mark_all_read(*, actor: User) -> int:
    marked = Notification.objects.filter(
        recipient=actor, channel=Channel.INBOX, status=Status.SENT, read_at__isnull=True
    ).update(read_at=timezone.now())
    inbox_changed(actor.pk)  # after the change, so no count read before it outlives it
    return marked
