from django.db.models import QuerySet

from coaching.notifications.models import Channel, Notification, Status


def inbox_for(*, user) -> QuerySet[Notification]:
    return Notification.objects.filter(
        recipient=user, channel=Channel.INBOX, status=Status.SENT
    ).order_by("-sent_at", "-pk")


def inbox_unread_count(*, user) -> int:
    return inbox_for(user=user).filter(read_at__isnull=True).count()
