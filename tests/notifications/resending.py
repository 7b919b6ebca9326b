"""Staff's "Send again", checked for any kind: whatever is queued is delivered, sent again and
delivered again, and the copies must say what the first rows said (the same object, the same
link, the same attachments)."""

from collections.abc import Callable

from django.core import mail

from coaching.notifications.models import Notification, Status
from tests.mail import deliver_queued

SAID = ["kind", "channel", "subject", "body"]


def _mails(messages: list[mail.EmailMessage]) -> list[tuple[object, ...]]:
    return [
        (m.to, m.subject, m.body, [(name, kind) for name, _content, kind in m.attachments])
        for m in messages
    ]


def assert_sent_again_alike(resend: Callable[[list[int]], None]) -> list[mail.EmailMessage]:
    """Deliver what is queued, `resend` those rows (their pks), deliver the copies; returns the
    first e-mails for the caller to check what they say."""
    first = list(Notification.objects.order_by("pk").values_list("pk", flat=True))
    assert first and deliver_queued() == [Status.SENT] * len(first)
    sent = list(mail.outbox)
    assert sent

    resend(first)
    assert deliver_queued() == [Status.SENT] * len(first)

    assert _mails(mail.outbox[len(sent) :]) == _mails(sent)
    # The inbox copy too: the same text, with the same link.
    copies = Notification.objects.filter(resend_of__in=first)
    firsts = Notification.objects.filter(pk__in=first)
    assert sorted(copies.values_list(*SAID)) == sorted(firsts.values_list(*SAID))
    return sent


def resend_as_staff(pks: list[int]) -> None:
    """The service behind the admin action, for tests whose app has no admin client at hand."""
    from coaching.notifications.queueing import notification_resend
    from tests.factories import StaffFactory

    staff = StaffFactory()
    for row in Notification.objects.filter(pk__in=pks):
        notification_resend(notification=row, actor=staff)
