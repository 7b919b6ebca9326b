"""Sending what is queued, as the workers do after the commit: every e-mail is a row of the
delivery log (sofadoc/mail.py), so a test that reads the outbox first lets the real task run."""

from coaching.notifications.models import Notification, Status
from coaching.notifications.tasks import deliver


def deliver_queued() -> list[str | None]:
    """Run the delivery task (`notifications.deliver`) for every queued row, oldest first;
    returns each row's new status."""
    pending = Notification.objects.filter(status=Status.QUEUED).order_by("pk")
    return [deliver.apply(args=[pk]).get() for pk in pending.values_list("pk", flat=True)]
