"""Signed links in messages: the open-tracking pixel (only with consent) and the news
subscription's confirmation and unsubscribe links."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.core import signing

from coaching.notifications.models import (
    Channel,
    Notification,
)
from sofadoc.accounts.models import User

logger = logging.getLogger(__name__)


OPEN_SALT = "notifications.opened"


def notification_mark_opened(*, token: str) -> bool:
    try:
        pk = signing.loads(token, salt=OPEN_SALT, max_age=timedelta(days=90))
    except signing.BadSignature:
        return False
    # Only for people who (still) consent; the flag is the only thing recorded.
    updated = Notification.objects.filter(
        pk=pk,
        channel=Channel.EMAIL,
        recipient__notification_preferences__open_tracking=True,
    ).update(opened=True)
    return bool(updated)


# --- News: double opt-in, one-click unsubscribe -----------------------------------------------
# Two kinds of link, signed apart so that one never works as the other: an unsubscribe link
# (in every news mail, valid as long as the account) must not confirm a subscription.
NEWS_SALT = "notifications.news"
NEWS_CONFIRM_SALT = "notifications.news-confirm"
NEWS_CONFIRM_DAYS = 7


def news_token(user: User) -> str:
    """The unsubscribe link's token."""
    return signing.dumps(user.pk, salt=NEWS_SALT)


def news_confirm_token(user: User) -> str:
    return signing.dumps(user.pk, salt=NEWS_CONFIRM_SALT)


def news_user_for(token: str, *, confirm: bool = False) -> User | None:
    """The person an unsubscribe (or, with confirm=True, a confirmation) link is for."""
    try:
        if confirm:
            pk = signing.loads(
                token, salt=NEWS_CONFIRM_SALT, max_age=timedelta(days=NEWS_CONFIRM_DAYS)
            )
        else:
            pk = signing.loads(token, salt=NEWS_SALT)
    except signing.BadSignature:
        return None
    return User.objects.filter(pk=pk, is_active=True).first()
