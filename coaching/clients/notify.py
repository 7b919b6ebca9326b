"""What the relationship tells people, through the notification delivery log
(coaching/notifications: one row per recipient, kind and channel; retried, visible to staff).

A notification says only that something waits (a message, a task, a file) and links to it; it
never carries the text, a title or a file name, so neither e-mail nor SMS nor the staff's view
of the log shows what coach and client wrote. Called inside the service's transaction: the rows
commit (and are delivered) with the change, or not at all. The key makes each one happen once;
it names the object ("m17": message 17), which the kind's context reads back for the link.

The kinds are registered here, from the app's ready() (coaching/notifications/registry.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from coaching.notifications.registry import (
    EMAIL,
    INBOX,
    PUSH,
    SMS,
    NotificationKind,
    Preference,
    register,
)

if TYPE_CHECKING:
    from coaching.bookings.models import Booking
    from coaching.clients.models import Message, Relationship, SharedFile, Task
    from coaching.notifications.models import Notification
    from sofadoc.accounts.models import User

# The message kinds say who wrote ("a new message from your coach"), nothing more.
MESSAGE_FROM = {"coach": "clients_msg_coach", "client": "clients_msg_client"}
TASK_GIVEN = "clients_task"
TASK_ANSWERED = "clients_task_answered"
TASK_REMINDER = "clients_task_due"
FILE_SHARED = "clients_file"
ENDED = "clients_ended"
SESSION_OFFERED = "clients_session_offered"


def _link(row: Notification) -> dict[str, Any]:
    """The page the message points to: the thread (the client page for the coach), found from
    the key; the person's conversations if that object is gone meanwhile."""
    from coaching.clients.models import Message, Relationship, SharedFile, Task

    models: dict[str, type[Message | Task | SharedFile]] = {
        "m": Message,
        "t": Task,
        "f": SharedFile,
    }
    relationship_id: int | None = None
    prefix, _sep, rest = row.key.partition(":")
    rest = rest.split(":", 1)[0]
    if prefix == "r" and rest.isdigit():
        relationship_id = Relationship.objects.filter(pk=rest).values_list("pk", flat=True).first()
    elif prefix in models and rest.isdigit():
        relationship_id = (
            models[prefix].objects.filter(pk=rest).values_list("relationship_id", flat=True).first()
        )
    if relationship_id is None:
        path = reverse("clients:threads")
    elif row.kind in (MESSAGE_FROM["client"], TASK_ANSWERED):
        path = reverse("clients:detail", args=[relationship_id])
    else:
        path = reverse("clients:thread", args=[relationship_id])
    return {"link": settings.SITE_URL + path}


def _pay_link(row: Notification) -> dict[str, Any]:
    path = reverse("clients:pay", args=[row.booking.reference]) if row.booking else "/"
    return {"link": settings.SITE_URL + path}


WRITTEN = frozenset({EMAIL, INBOX, PUSH})
register(
    # SMS for those who chose "booking messages by SMS": it says a message waits, no more.
    *(
        NotificationKind(
            code=code,
            label=label,
            channels=WRITTEN | {SMS},
            preference=Preference.BOOKING_MESSAGES,
            context=_link,
        )
        for code, label in [
            (MESSAGE_FROM["coach"], _("new message from the coach")),
            (MESSAGE_FROM["client"], _("new message from a client")),
            (TASK_REMINDER, _("task due soon")),
        ]
    ),
    NotificationKind(code=TASK_GIVEN, label=_("new task from the coach"), context=_link),
    NotificationKind(code=TASK_ANSWERED, label=_("task answered"), context=_link),
    NotificationKind(code=FILE_SHARED, label=_("new shared file"), context=_link),
    NotificationKind(code=ENDED, label=_("coaching ended"), context=_link),
    NotificationKind(
        code=SESSION_OFFERED, label=_("session booked by the coach"), context=_pay_link
    ),
)


def _queue(recipient: User | None, kind: str, key: str = "", booking: Booking | None = None) -> int:
    from coaching.notifications.queueing import notify

    return notify(recipients=[recipient], kind=kind, key=key, booking=booking)


def message_waiting(*, message: Message, recipient: User, sender_side: str) -> int:
    return _queue(recipient, MESSAGE_FROM[sender_side], f"m:{message.pk}")


def task_given(*, task: Task, recipient: User | None) -> int:
    return _queue(recipient, TASK_GIVEN, f"t:{task.pk}")


def task_answered(*, task: Task, recipient: User | None) -> int:
    # Once per task and state: answering again while it stays done tells the coach once.
    return _queue(recipient, TASK_ANSWERED, f"t:{task.pk}:{task.state}")


def task_reminder(*, task: Task, recipient: User | None) -> int:
    return _queue(recipient, TASK_REMINDER, f"t:{task.pk}:{task.due_date:%Y%m%d}")


def file_shared(*, shared: SharedFile, recipient: User | None) -> int:
    return _queue(recipient, FILE_SHARED, f"f:{shared.pk}")


def relationship_ended(*, relationship: Relationship, recipient: User | None) -> int:
    return _queue(recipient, ENDED, f"r:{relationship.pk}:{relationship.ended_at:%Y%m%d%H%M}")


def session_offered(*, booking: Booking, recipient: User | None) -> int:
    # Once per booking and revision (the delivery log's booking constraint).
    return _queue(recipient, SESSION_OFFERED, booking=booking)
