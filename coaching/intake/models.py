"""The coach's intake questionnaire and coaching agreement, both versioned, and what clients did
with them (answers, acceptances).

A version is never changed once published: editing publishes the next number, and answers and
acceptances keep pointing at the version they were given for. The newest version of a practice
is the one in force; a newest version that is switched off (`active=False`) means the coach asks
nothing / requires nothing any more.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coaching.practices.models import Practice
from sofadoc.crypto import EncryptedTextField

MAX_QUESTIONS = 30
MAX_CHOICES = 12
MAX_ANSWER_CHARS = 5000
MAX_AGREEMENT_CHARS = 50_000
MAX_AGREEMENT_PDF_BYTES = 5 * 1024 * 1024
SCALE = range(1, 11)  # a scale question is answered 1 to 10


class _PrivateStorage(Storage):
    """The private storage looked up on every use, not once at import: FileField evaluates a
    storage callable when the model class is built, and settings (tests, a bucket configured
    later) may change `STORAGES` after that."""

    def __getattribute__(self, name):
        if name.startswith("__"):
            return object.__getattribute__(self, name)
        return getattr(storages["private"], name)


def private_storage():
    # Never under MEDIA_ROOT: agreements go out only through the view that checks who asks.
    return _PrivateStorage()


class QuestionKind(models.TextChoices):
    TEXT = "text", _("Text")
    CHOICE = "choice", _("Choice")
    SCALE = "scale", _("Scale from 1 to 10")
    YES_NO = "yes_no", _("Yes or no")


class PublishedVersion(models.Model):
    """What the questionnaire's and the agreement's versions share: numbered per practice (the
    subclass has the `practice` and says what `active` means), newest first, never edited."""

    number = models.PositiveIntegerField(_("version"))
    created_at = models.DateTimeField(_("published"), default=timezone.now, editable=False)

    class Meta:
        abstract = True
        ordering = ["practice", "-number"]

    def __str__(self) -> str:
        return f"{self.practice} · v{self.number}"  # type: ignore[attr-defined]


class IntakeFormVersion(PublishedVersion):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="intake_versions")
    active = models.BooleanField(_("asked of new clients"), default=True)

    class Meta(PublishedVersion.Meta):
        verbose_name = _("intake questionnaire version")
        verbose_name_plural = _("intake questionnaire versions")
        constraints = [
            models.UniqueConstraint(fields=["practice", "number"], name="intake_form_version_once")
        ]


class IntakeQuestion(models.Model):
    version = models.ForeignKey(
        IntakeFormVersion, on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("type"), max_length=10, choices=QuestionKind.choices)
    label = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("hint"), max_length=300, blank=True)
    # The options of a choice question, in order; empty for the other kinds.
    options = models.JSONField(_("options"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=False)

    class Meta:
        verbose_name = _("intake question")
        verbose_name_plural = _("intake questions")
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="intake_question_position")
        ]

    def __str__(self) -> str:
        return self.label


class IntakeResponse(models.Model):
    """One filling-in of the questionnaire by a client for a practice.

    A row without `submitted_at` is a request from the coach to answer again; at most one is
    open per practice and client. Before the first answer there is no row: the questionnaire is
    due whenever the practice asks one and the client has none submitted."""

    practice = models.ForeignKey(
        Practice, on_delete=models.CASCADE, related_name="intake_responses"
    )
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="intake_responses"
    )
    version = models.ForeignKey(
        IntakeFormVersion,
        on_delete=models.CASCADE,
        related_name="responses",
        null=True,
        blank=True,
    )
    requested_at = models.DateTimeField(_("asked again"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("intake response")
        verbose_name_plural = _("intake responses")
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "client"],
                condition=Q(submitted_at__isnull=True),
                name="intake_one_open_request",
            ),
            models.CheckConstraint(
                condition=Q(submitted_at__isnull=True) | Q(version__isnull=False),
                name="intake_answered_names_version",
            ),
        ]

    def __str__(self) -> str:
        number = self.version.number if self.version else "-"
        return f"{self.practice} · {self.client_id} · v{number}"


class IntakeAnswer(models.Model):
    response = models.ForeignKey(IntakeResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(IntakeQuestion, on_delete=models.CASCADE, related_name="+")
    # Special-category data can come up (health): encrypted at rest, shown to the coach and the
    # client only (never in the admin).
    value = EncryptedTextField(_("answer"), blank=True)

    class Meta:
        verbose_name = _("intake answer")
        verbose_name_plural = _("intake answers")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="intake_answer_once")
        ]

    def __str__(self) -> str:
        return f"{self.response_id} · {self.question_id}"


def agreement_upload_to(instance, filename: str) -> str:
    # Our own name, never the uploader's (a file name can carry a person's name).
    return f"agreements/{instance.practice_id}/v{instance.number}.pdf"


class AgreementVersion(PublishedVersion):
    """The coaching agreement as the coach wrote it (text) or uploaded it (PDF)."""

    practice = models.ForeignKey(
        Practice, on_delete=models.CASCADE, related_name="agreement_versions"
    )
    active = models.BooleanField(_("required of clients"), default=True)
    text = models.TextField(_("agreement text"), blank=True, max_length=MAX_AGREEMENT_CHARS)
    pdf = models.FileField(
        _("PDF"), storage=private_storage, upload_to=agreement_upload_to, blank=True
    )
    pdf_sha256 = models.CharField(_("PDF checksum"), max_length=64, blank=True)

    class Meta(PublishedVersion.Meta):
        verbose_name = _("coaching agreement version")
        verbose_name_plural = _("coaching agreement versions")
        constraints = [
            models.UniqueConstraint(fields=["practice", "number"], name="agreement_version_once")
        ]


class AgreementAcceptance(models.Model):
    """Logged like consent: which version, when; revoking keeps the row with its time."""

    version = models.ForeignKey(
        AgreementVersion, on_delete=models.CASCADE, related_name="acceptances"
    )
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agreement_acceptances"
    )
    accepted_at = models.DateTimeField(_("accepted on"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked on"), null=True, blank=True)

    class Meta:
        verbose_name = _("agreement acceptance")
        verbose_name_plural = _("agreement acceptances")
        ordering = ["-accepted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "client"],
                condition=Q(revoked_at__isnull=True),
                name="agreement_accepted_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.version} · {self.client_id}"
