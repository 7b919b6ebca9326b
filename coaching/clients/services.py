"""Changes to a relationship and what lives in it. Each service takes the acting user, checks
they are the party allowed to do it (the views check too: a 404 before any service runs), does
its work in one transaction, and announces what follows after commit (notify.py)."""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from types import TracebackType
from typing import TYPE_CHECKING, Literal

from django.core.files.storage import storages
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coaching.bookings.models import Booking
from coaching.clients import notify
from coaching.clients.models import (
    CoachSettings,
    Message,
    PrivateNote,
    Relationship,
    SharedFile,
    Side,
    Task,
    TaskState,
)
from coaching.clients.selectors import unread_changed
from coaching.clients.uploads import CheckedFile
from sofadoc.accounts.models import User
from sofadoc.errors import ShownError

if TYPE_CHECKING:
    from coaching.practices.models import Practice

logger = logging.getLogger(__name__)


class RelationshipError(ShownError):
    """A request we refuse; `message` says why, in words for the person who asked."""


def _require_side(relationship: Relationship, actor: User, *sides: str) -> str:
    side = relationship.side_of(actor)
    if side is None or side not in sides:
        raise RelationshipError(_("This is not possible for you."))
    return side


def _require_active(relationship: Relationship) -> None:
    if not relationship.is_active:
        raise RelationshipError(
            _("This coaching relationship has ended; its messages and files can only be read.")
        )


# --- The relationship --------------------------------------------------------------------------
def relationship_ensure(*, practice: Practice, client: User | None) -> Relationship:
    """The relationship of this coach and client, created on their first booking; one that had
    ended starts again (its purge is called off)."""
    if client is None or practice.owner_id == client.pk:
        raise RelationshipError(_("A coach cannot be their own client."))
    try:
        with transaction.atomic():
            relationship, _created = Relationship.objects.get_or_create(
                practice=practice, client=client
            )
    except IntegrityError:  # created at the same moment by another request
        relationship = Relationship.objects.get(practice=practice, client=client)
    if relationship.ended_at is not None:
        Relationship.objects.filter(pk=relationship.pk).update(
            ended_at=None, ended_by="", purge_after=None
        )
        relationship.refresh_from_db()
    return relationship


def relationship_end(*, relationship: Relationship, actor: User) -> Relationship:
    """Either side ends it: from now on everything is read-only, and after the coach's keep
    period (CoachSettings.keep_days_after_end) the purge deletes messages, notes, tasks and
    files. Bookings and receipts are not part of it; they follow their own retention."""
    side = _require_side(relationship, actor, Side.COACH, Side.CLIENT)
    with transaction.atomic(durable=True):
        relationship = Relationship.objects.select_for_update().get(pk=relationship.pk)
        if relationship.ended_at is not None:
            return relationship
        keep = (
            CoachSettings.objects.filter(practice_id=relationship.practice_id)
            .values_list("keep_days_after_end", flat=True)
            .first()
        )
        now = timezone.now()
        relationship.ended_at = now
        relationship.ended_by = side
        relationship.purge_after = now + timedelta(days=90 if keep is None else keep)
        relationship.save(update_fields=["ended_at", "ended_by", "purge_after"])
        other = relationship.other_party(side)
        notify.relationship_ended(relationship=relationship, recipient=other)
    return relationship


def relationships_purge_due(*, now: datetime | None = None) -> int:
    """Delete ended relationships whose keep period is over, with their stored files. Run by
    beat; each relationship in its own transaction, rows locked and skipped if busy."""
    now = now or timezone.now()
    purged = 0
    pks = list(
        Relationship.objects.filter(purge_after__lte=now, ended_at__isnull=False).values_list(
            "pk", flat=True
        )[:500]
    )
    for pk in pks:
        with transaction.atomic():
            relationship = (
                Relationship.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, purge_after__lte=now, ended_at__isnull=False)
                .first()
            )
            if relationship is None:
                continue
            names = list(relationship.files.values_list("file", flat=True))
            recipients = set(
                relationship.messages.filter(read_at__isnull=True).values_list(
                    "recipient_id", flat=True
                )
            )
            relationship.delete()
            transaction.on_commit(functools.partial(_delete_stored, names))
            for user_id in recipients:
                unread_changed(user_id)
        purged += 1
    return purged


def _delete_stored(names: Iterable[str | None]) -> None:
    storage = storages["private"]
    for name in names:
        if not name:
            continue
        try:
            storage.delete(name)
        except Exception:  # a file already gone or storage down: the next purge of orphans
            logger.warning("a shared file could not be deleted from storage")


def coach_settings_update(
    *, practice: Practice, actor: User, office_hours: str, keep_days_after_end: int
) -> CoachSettings:
    if practice.owner_id != actor.pk:
        raise RelationshipError(_("This is not possible for you."))
    settings_row, _created = CoachSettings.objects.update_or_create(
        practice=practice,
        defaults={"office_hours": office_hours, "keep_days_after_end": keep_days_after_end},
    )
    return settings_row


# --- Messages ----------------------------------------------------------------------------------
def message_send(
    *,
    relationship: Relationship,
    sender: User,
    text: str,
    files: Sequence[CheckedFile] = (),
) -> Message:
    """Store the message (and its attachments) and tell the other side that one waits.

    The notification says only that a new message is there, with a link; never its text. A
    second message while the first is still unread sends no second notification."""
    side = _require_side(relationship, sender, Side.COACH, Side.CLIENT)
    _require_active(relationship)
    recipient = relationship.other_party(side)
    if recipient is None:
        raise RelationshipError(_("There is nobody to receive this message any more."))
    now = timezone.now()
    with _StoredFiles() as stored, transaction.atomic(durable=True):
        already_waiting = Message.objects.filter(
            relationship=relationship, recipient=recipient, read_at__isnull=True
        ).exists()
        message = Message.objects.create(
            relationship=relationship,
            sender_side=side,
            recipient=recipient,
            text=text,
            created_at=now,
        )
        for checked in files:
            stored.store(relationship, side, checked, message=message)
        Relationship.objects.filter(pk=relationship.pk).update(last_message_at=now)
        unread_changed(recipient.pk)
        if not already_waiting:
            notify.message_waiting(message=message, recipient=recipient, sender_side=side)
    return message


def thread_mark_read(*, relationship: Relationship, reader: User) -> int:
    """The reader has seen the thread: every message to them in it is read."""
    changed = Message.objects.filter(
        relationship=relationship, recipient=reader, read_at__isnull=True
    ).update(read_at=timezone.now())
    if changed:
        unread_changed(reader.pk)
    return changed


# --- Private notes (the coach only) ------------------------------------------------------------
def note_write(
    *, relationship: Relationship, actor: User, text: str, booking_id: int | None = None
) -> PrivateNote:
    _require_side(relationship, actor, Side.COACH)
    booking: Booking | None = None
    if booking_id is not None:
        booking = Booking.objects.filter(
            pk=booking_id, practice_id=relationship.practice_id, client_id=relationship.client_id
        ).first()
        if booking is None:
            raise RelationshipError(_("This session is not one of this client's."))
    return PrivateNote.objects.create(relationship=relationship, booking=booking, text=text)


def note_update(*, note: PrivateNote, actor: User, text: str) -> PrivateNote:
    _require_side(note.relationship, actor, Side.COACH)
    note.text = text
    note.save(update_fields=["text", "updated_at"])
    return note


def note_delete(*, note: PrivateNote, actor: User) -> None:
    _require_side(note.relationship, actor, Side.COACH)
    note.delete()


# --- Tasks -------------------------------------------------------------------------------------
def task_give(
    *,
    relationship: Relationship,
    actor: User,
    title: str,
    description: str = "",
    due_date: date | None = None,
    file: CheckedFile | None = None,
) -> Task:
    _require_side(relationship, actor, Side.COACH)
    _require_active(relationship)
    with _StoredFiles() as stored, transaction.atomic(durable=True):
        task = Task.objects.create(
            relationship=relationship, title=title, description=description, due_date=due_date
        )
        if file is not None:
            stored.store(relationship, Side.COACH, file, task=task)
        notify.task_given(task=task, recipient=relationship.client)
    return task


def task_answer(*, task: Task, actor: User, answer: str, done: bool) -> Task:
    relationship = task.relationship
    _require_side(relationship, actor, Side.CLIENT)
    _require_active(relationship)
    with transaction.atomic(durable=True):
        task = Task.objects.select_for_update().get(pk=task.pk)
        task.answer = answer
        if done and task.state != TaskState.DONE:
            task.state, task.done_at = TaskState.DONE, timezone.now()
        elif not done:
            task.state, task.done_at = TaskState.OPEN, None
        task.save(update_fields=["answer", "state", "done_at"])
        notify.task_answered(task=task, recipient=relationship.practice.owner)
    return task


def tasks_remind_due(*, today: date | None = None) -> int:
    """Remind clients of open tasks due tomorrow or today. Once per task: the notification's
    unique key makes a repeated scan a no-op."""
    today = today or timezone.localdate()
    sent = 0
    due = Task.objects.filter(
        state=TaskState.OPEN,
        due_date__gte=today,
        due_date__lte=today + timedelta(days=1),
        relationship__ended_at__isnull=True,
    ).select_related("relationship__client")
    for task in due:
        sent += notify.task_reminder(task=task, recipient=task.relationship.client)
    return sent


# --- Files -------------------------------------------------------------------------------------
class _StoredFiles:
    """Files written to storage inside a transaction: if it rolls back, no row points to them,
    so they are deleted again (Django has no on-rollback hook; the services wrap their block)."""

    def __init__(self) -> None:
        self.names: list[str | None] = []

    def __enter__(self) -> _StoredFiles:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> Literal[False]:
        if error is not None and self.names:
            _delete_stored(self.names)
        return False

    def store(
        self,
        relationship: Relationship,
        side: str,
        checked: CheckedFile,
        *,
        message: Message | None = None,
        task: Task | None = None,
    ) -> SharedFile:
        shared = SharedFile(
            relationship=relationship,
            uploaded_by=side,
            message=message,
            task=task,
            original_name=checked.original_name,
            content_type=checked.content_type,
            size=checked.size,
        )
        shared.file.save("upload", checked.content, save=False)
        self.names.append(shared.file.name)
        shared.save()
        return shared


def file_add(*, relationship: Relationship, actor: User, file: CheckedFile) -> SharedFile:
    side = _require_side(relationship, actor, Side.COACH, Side.CLIENT)
    _require_active(relationship)
    with _StoredFiles() as stored, transaction.atomic(durable=True):
        shared = stored.store(relationship, side, file)
        notify.file_shared(shared=shared, recipient=relationship.other_party(side))
    return shared


def file_delete(*, shared: SharedFile, actor: User) -> None:
    """Each side deletes what it uploaded (also after the end: it is theirs)."""
    side = _require_side(shared.relationship, actor, Side.COACH, Side.CLIENT)
    if shared.uploaded_by != side:
        raise RelationshipError(_("You can only delete files you uploaded yourself."))
    name = shared.file.name
    with transaction.atomic(durable=True):
        shared.delete()
        transaction.on_commit(lambda: _delete_stored([name]))
