"""News and tips by e-mail: double opt-in, one-click unsubscribe (RFC 8058), sent only to
confirmed subscribers."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from coaching.notifications.links import news_token
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


def news_email(*, user: User, subject: str, text: str) -> EmailMultiAlternatives:
    """A news or tips mail with its one-click unsubscribe (RFC 8058) in header and footer."""
    url = settings.SITE_URL + reverse("notifications:news_unsubscribe", args=[news_token(user)])
    with translation.override(user.language):
        footer = render_to_string("notifications/partials/news_footer.txt", {"url": url})
    return EmailMultiAlternatives(
        subject=subject,
        body=f"{text.rstrip()}\n\n{footer}",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def news_send(*, subject: str, text: str) -> int:
    """Send a news/tips mail to confirmed subscribers only, each with its unsubscribe link."""
    subscribers = Preferences.objects.filter(
        news_confirmed_at__isnull=False, user__is_active=True
    ).select_related("user")
    messages = [news_email(user=p.user, subject=subject, text=text) for p in subscribers]
    with get_connection() as connection:
        return connection.send_messages(messages) or 0
