from collections.abc import Iterable

from django.db.models import QuerySet

from coaching.notifications.models import Channel, Notification, Status
from sofadoc.accounts.models import User
from sofadoc.pagecache import bump_versions, cached_under_versions, version_changed


def inbox_for(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(
        recipient=user, channel=Channel.INBOX, status=Status.SENT
    ).order_by("-sent_at", "-pk")


def inbox_unread_count(*, user: User) -> int:
    return inbox_for(user=user).filter(read_at__isnull=True).count()


# Shown in the header of every page someone signed in sees; Redis keeps it per person until
# their inbox changes (a message delivered, read or removed bumps the version: inbox_changed).
INBOX_COUNT_SECONDS = 600


def inbox_version_key(user_id: int) -> str:
    return f"notifications:inbox:{user_id}:version"


def inbox_unread_key(user_id: int) -> str:
    return f"notifications:inbox:{user_id}:unread"


def header_cache_keys(user_id: int) -> list[str]:
    """What the header's unread count reads from Redis (prefetched: sofadoc/prefetch.py)."""
    return [inbox_version_key(user_id), inbox_unread_key(user_id)]


def inbox_unread_count_cached(*, user: User) -> int:
    return cached_under_versions(
        [inbox_version_key(user.pk)],
        inbox_unread_key(user.pk),
        lambda: inbox_unread_count(user=user),
        timeout=INBOX_COUNT_SECONDS,
    )


def inbox_changed(user_id: int) -> None:
    """The person's inbox is changing: their cached unread count goes, now and on commit."""
    version_changed(inbox_version_key(user_id))


def inboxes_changed(user_ids: Iterable[int]) -> None:
    """Several inboxes have changed (committed): their cached counts go in one round trip."""
    bump_versions(inbox_version_key(user_id) for user_id in user_ids)
