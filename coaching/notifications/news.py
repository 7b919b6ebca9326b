"""News and tips by e-mail: double opt-in, one-click unsubscribe (RFC 8058), sent only to
confirmed subscribers, through the delivery log like every other mail (kind `news`,
mail_kinds.py)."""

from __future__ import annotations

import hashlib
import logging
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from coaching.notifications.mail_kinds import MailKind
from coaching.notifications.models import (
    Kind,
    Preferences,
)
from coaching.notifications.preferences import (
    consent_log,
    preferences_for,
)
from coaching.notifications.queueing import (
    notification_queue,
)

if TYPE_CHECKING:
    from sofadoc.accounts.models import User

logger = logging.getLogger(__name__)


def news_request(*, user: User) -> bool:
    """Step one of the double opt-in: send a confirmation link by e-mail."""
    with transaction.atomic(durable=True):
        prefs = Preferences.objects.select_for_update().get(pk=preferences_for(user).pk)
        if prefs.news_confirmed_at:
            return False
        prefs.news_requested_at = timezone.now()
        prefs.save(update_fields=["news_requested_at", "updated_at"])
        # A fresh key per request, so asking again sends a new link.
        key = f"{prefs.news_requested_at:%Y%m%d%H%M%S%f}"
        notification_queue(recipient=user, kind=Kind.NEWS_CONFIRM, key=key)
    return True


def news_confirm(*, user: User, ip: str = "") -> bool:
    """Step two: the person followed the link and confirmed. Only now is the consent given.

    Only while a request is pending: after unsubscribing, an old confirmation link (still in
    the mailbox) subscribes nobody. Returns whether the person is subscribed now."""
    with transaction.atomic(durable=True):
        prefs = Preferences.objects.select_for_update().get(pk=preferences_for(user).pk)
        if prefs.news_confirmed_at:
            return True
        if prefs.news_requested_at is None:
            return False
        prefs.news_confirmed_at = timezone.now()
        prefs.save(update_fields=["news_confirmed_at", "updated_at"])
        consent_log(user=user, purpose="email_news", granted=True, source="news", ip=ip)
    return True


def news_unsubscribe(*, user: User, ip: str = "") -> None:
    """Withdraws the consent to news (logged), and any request still waiting for confirmation."""
    with transaction.atomic(durable=True):
        prefs = Preferences.objects.select_for_update().get(pk=preferences_for(user).pk)
        was_subscribed = prefs.news_confirmed_at is not None
        prefs.news_confirmed_at = prefs.news_requested_at = None
        prefs.save(update_fields=["news_confirmed_at", "news_requested_at", "updated_at"])
        if was_subscribed:
            consent_log(user=user, purpose="email_news", granted=False, source="news", ip=ip)


def news_send(*, subject: str, text: str) -> int:
    """Queue a news/tips mail for each confirmed subscriber (kind `news`, its unsubscribe link
    in header and footer); the workers send it. The same news twice is queued once: the key is
    its fingerprint. Returns the rows queued."""
    fingerprint = hashlib.sha256(f"{subject}\n{text}".encode()).hexdigest()[:24]
    subscribers = Preferences.objects.filter(
        news_confirmed_at__isnull=False, user__is_active=True
    ).select_related("user")
    payload = {"news_subject": subject, "news_text": text.rstrip()}
    with transaction.atomic(durable=True):
        return sum(
            len(
                notification_queue(
                    recipient=prefs.user,
                    kind=MailKind.NEWS,
                    key=f"news-{fingerprint}",
                    payload=payload,
                )
            )
            for prefs in subscribers
        )
