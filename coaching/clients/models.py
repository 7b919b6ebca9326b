"""The relationship between one coach (their practice) and one client, and what lives in it:
a message thread, the coach's private notes, shared tasks and shared files.

Everything hangs off `Relationship`, so "is the requester one of the two parties" is one check
(selectors.relationship_for_party) and ending or erasing a relationship takes all of it along.
"""

from __future__ import annotations

import secrets
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import Storage
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sofadoc.crypto import EncryptedTextField

if TYPE_CHECKING:
    from _typeshed import StrPath

    from sofadoc.accounts.models import User

MESSAGE_MAX_CHARS = 5000
NOTE_MAX_CHARS = 20000
TASK_TEXT_MAX_CHARS = 5000


class Side(models.TextChoices):
    COACH = "coach", _("coach")
    CLIENT = "client", _("client")


class CoachSettings(models.Model):
    """Per practice: when the coach answers messages (shown to clients) and how long an ended
    relationship's messages and files stay readable before they are deleted."""

    practice = models.OneToOneField(
        "practices.Practice",
        on_delete=models.CASCADE,
        related_name="client_settings",
        verbose_name=_("practice"),
    )
    office_hours = models.CharField(
        _("office hours for replies"),
        max_length=300,
        blank=True,
        help_text=_("For example: I answer messages Monday to Thursday between 9 and 17."),
    )
    keep_days_after_end = models.PositiveSmallIntegerField(
        _("days messages and files stay readable after the end"), default=90
    )

    class Meta:
        verbose_name = _("coach settings for clients")
        verbose_name_plural = _("coach settings for clients")

    def __str__(self) -> str:
        return str(self.practice_id)


class Relationship(models.Model):
    practice = models.ForeignKey(
        "practices.Practice",
        on_delete=models.CASCADE,
        related_name="client_relationships",
        verbose_name=_("practice"),
    )
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="coach_relationships",
        verbose_name=_("client"),
    )
    created_at = models.DateTimeField(_("since"), default=timezone.now)
    # Denormalised for the client list: sorting and showing "last message" without a subquery
    # over 20,000 messages.
    last_message_at = models.DateTimeField(_("last message"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    ended_by = models.CharField(_("ended by"), max_length=8, choices=Side.choices, blank=True)
    # Set when it ends (ended_at + the coach's keep period): the purge deletes it after that.
    purge_after = models.DateTimeField(_("delete after"), null=True, blank=True)

    class Meta:
        verbose_name = _("coach-client relationship")
        verbose_name_plural = _("coach-client relationships")
        constraints = [
            models.UniqueConstraint(fields=["practice", "client"], name="relationship_once"),
        ]
        indexes = [
            models.Index(
                fields=["purge_after"],
                condition=Q(purge_after__isnull=False),
                name="relationship_purge",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.practice_id} ↔ {self.client_id}"

    @property
    def is_active(self) -> bool:
        return self.ended_at is None

    def side_of(self, user: User) -> str | None:
        if user.pk == self.client_id:
            return Side.CLIENT
        if self.practice.owner_id is not None and user.pk == self.practice.owner_id:
            return Side.COACH
        return None

    def other_party(self, side: str) -> User | None:
        return self.practice.owner if side == Side.CLIENT else self.client


class Message(models.Model):
    relationship = models.ForeignKey(
        Relationship,
        on_delete=models.CASCADE,
        related_name="messages",
        verbose_name=_("relationship"),
    )
    sender_side = models.CharField(_("from"), max_length=8, choices=Side.choices)
    # The other party: the header's unread count is one indexed COUNT over it.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="client_messages_received",
        verbose_name=_("recipient"),
    )
    text = models.TextField(_("text"), max_length=MESSAGE_MAX_CHARS)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["relationship", "-created_at", "-id"], name="message_thread"),
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="message_unread"
            ),
            # The client list's unread figure per relationship: read from the index alone.
            models.Index(
                fields=["relationship", "sender_side"],
                condition=Q(read_at__isnull=True),
                name="message_unread_thread",
            ),
        ]

    def __str__(self) -> str:
        # Never the text: this is what the admin and logs would show.
        return f"{self.get_sender_side_display()} → {self.recipient_id} ({self.pk})"


class PrivateNote(models.Model):
    """The coach's notes on a client or on one session. Only the coach ever reads them; the
    text is encrypted at rest (sofadoc/crypto.py)."""

    relationship = models.ForeignKey(
        Relationship,
        on_delete=models.CASCADE,
        related_name="notes",
        verbose_name=_("relationship"),
    )
    booking = models.ForeignKey(
        "bookings.Booking",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("session"),
    )
    text = EncryptedTextField(_("note"))
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("private note")
        verbose_name_plural = _("private notes")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{_('note')} {self.pk}"


class TaskState(models.TextChoices):
    OPEN = "open", _("open")
    DONE = "done", _("done")


class Task(models.Model):
    relationship = models.ForeignKey(
        Relationship,
        on_delete=models.CASCADE,
        related_name="tasks",
        verbose_name=_("relationship"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=TASK_TEXT_MAX_CHARS, blank=True)
    due_date = models.DateField(_("due"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=8, choices=TaskState.choices, default=TaskState.OPEN
    )
    answer = models.TextField(_("answer"), max_length=TASK_TEXT_MAX_CHARS, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    created_at = models.DateTimeField(_("given"), default=timezone.now)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["state", "due_date", "-created_at"]
        indexes = [
            models.Index(fields=["due_date"], condition=Q(state="open"), name="task_open_due"),
        ]

    def __str__(self) -> str:
        return f"{_('task')} {self.pk}"


class _PrivateStorage(Storage):
    """storages["private"], looked up at each use rather than once when the model is imported:
    a FileField keeps the storage it was given, and the configured one can change (settings in
    tests, a bucket in production)."""

    @staticmethod
    def _target() -> Storage:
        from django.core.files.storage import storages

        return storages["private"]

    def open(self, name: str, mode: str = "rb") -> File[Any]:
        return self._target().open(name, mode)

    def save(self, name: str | None, content: IO[Any], max_length: int | None = None) -> str:
        return self._target().save(name, content, max_length=max_length)

    def delete(self, name: str) -> None:
        return self._target().delete(name)

    def exists(self, name: str) -> bool:
        return self._target().exists(name)

    def size(self, name: str) -> int:
        return self._target().size(name)

    def path(self, name: str) -> str:
        return self._target().path(name)

    def url(self, name: str | None) -> str:
        return self._target().url(name)

    def generate_filename(self, filename: StrPath) -> str:
        return self._target().generate_filename(filename)

    def get_available_name(self, name: str, max_length: int | None = None) -> str:
        return self._target().get_available_name(name, max_length=max_length)

    def listdir(self, path: str) -> tuple[list[str], list[str]]:
        return self._target().listdir(path)


_PRIVATE = _PrivateStorage()


def private_storage() -> Storage:
    """The storage for files that are never served publicly (not under MEDIA_ROOT)."""
    return _PRIVATE


def shared_file_name(instance: SharedFile, filename: str) -> str:
    # A random name: the stored path says nothing about the file or the people.
    return f"clients/{secrets.token_hex(16)}"


class SharedFile(models.Model):
    relationship = models.ForeignKey(
        Relationship,
        on_delete=models.CASCADE,
        related_name="files",
        verbose_name=_("relationship"),
    )
    uploaded_by = models.CharField(_("uploaded by"), max_length=8, choices=Side.choices)
    message = models.ForeignKey(
        Message,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("message"),
    )
    task = models.ForeignKey(
        Task,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="files",
        verbose_name=_("task"),
    )
    file = models.FileField(
        _("file"),
        upload_to=shared_file_name,
        storage=private_storage,
        max_length=200,
    )
    # The name the uploader gave it, cleaned; only shown to the two parties.
    original_name = models.CharField(_("file name"), max_length=120)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("shared file")
        verbose_name_plural = _("shared files")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{_('file')} {self.pk}"


class NoteForClient(PrivateNote):
    """The same rows as PrivateNote, as the client's data export sees them: that a note exists,
    never its text (the rule and its reasoning: coaching/clients/privacy.py)."""

    class Meta:
        proxy = True
        verbose_name = _("private note (as listed for the client)")
        verbose_name_plural = _("private notes (as listed for the client)")
