"""What the relationship tells people, through the notification delivery log
(coaching/notifications: one row per recipient, kind and channel; retried, visible to staff).

A notification says only that something waits (a message, a task, a file) and links to the
person's threads page; it never carries the text, a title or a file name, so neither e-mail nor
SMS nor the staff's view of the log shows what coach and client wrote. Called inside the
service's transaction: the rows commit (and are delivered) with the change, or not at all.
The unique key makes each notification happen once (a repeated scan is a no-op).
"""

from __future__ import annotations

# The message kinds say who wrote ("a new message from your coach"), nothing more.
MESSAGE_FROM = {"coach": "clients_msg_coach", "client": "clients_msg_client"}
TASK_GIVEN = "clients_task"
TASK_ANSWERED = "clients_task_answered"
TASK_REMINDER = "clients_task_due"
FILE_SHARED = "clients_file"
ENDED = "clients_ended"
SESSION_OFFERED = "clients_session_offered"

KINDS = (
    *MESSAGE_FROM.values(),
    TASK_GIVEN,
    TASK_ANSWERED,
    TASK_REMINDER,
    FILE_SHARED,
    ENDED,
    SESSION_OFFERED,
)


def _queue(recipient, kind: str, key: str = "", booking=None) -> int:
    from coaching.notifications.services import notification_queue

    if recipient is None:
        return 0
    return len(notification_queue(recipient=recipient, kind=kind, key=key, booking=booking))


def message_waiting(*, message, recipient, sender_side: str) -> int:
    return _queue(recipient, MESSAGE_FROM[sender_side], f"m{message.pk}")


def task_given(*, task, recipient) -> int:
    return _queue(recipient, TASK_GIVEN, f"t{task.pk}")


def task_answered(*, task, recipient) -> int:
    # One per task and state: answering again while it stays done tells the coach once.
    return _queue(recipient, TASK_ANSWERED, f"t{task.pk}-{task.state}")


def task_reminder(*, task, recipient) -> int:
    return _queue(recipient, TASK_REMINDER, f"t{task.pk}-{task.due_date:%Y%m%d}")


def file_shared(*, shared, recipient) -> int:
    return _queue(recipient, FILE_SHARED, f"f{shared.pk}")


def relationship_ended(*, relationship, recipient) -> int:
    return _queue(recipient, ENDED, f"r{relationship.pk}-{relationship.ended_at:%Y%m%d%H%M}")


def session_offered(*, booking, recipient) -> int:
    # Once per booking and revision (the delivery log's booking constraint); links to paying.
    return _queue(recipient, SESSION_OFFERED, booking=booking)
