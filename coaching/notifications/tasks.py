from celery import shared_task

from coaching.notifications.delivery import notification_deliver, notifications_deliver_pending
from coaching.notifications.news import news_send
from coaching.notifications.scans import calendar_nudges_queue, notifications_send_due


@shared_task(name="notifications.deliver")
def deliver(notification_id: int) -> str | None:
    """Send one queued message (enqueued after the commit that created it)."""
    return notification_deliver(notification_id=notification_id)


@shared_task(name="notifications.send_due_reminders")
def send_due_reminders() -> int:
    """Every minute: queue due reminders and payment notices, deliver anything pending."""
    return notifications_send_due()


@shared_task(name="notifications.calendar_nudges")
def calendar_nudges() -> int:
    """Weekly: remind coaches without free hours in the next 14 days to update their calendar."""
    calendar_nudges_queue()
    return notifications_deliver_pending()


@shared_task(name="notifications.send_news")
def send_news(subject: str, text: str) -> int:
    """Staff-triggered news or tips to confirmed subscribers (never to anyone else)."""
    return news_send(subject=subject, text=text)
