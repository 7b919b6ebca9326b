"""Versioned legal documents and the append-only consent log (Art. 7 (1) GDPR: proof of consent)."""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class LegalDocument(models.Model):
    class Kind(models.TextChoices):
        PRIVACY = "privacy", _("Privacy policy")
        TERMS = "terms", _("Terms and conditions")
        COOKIES = "cookies", _("Cookie policy")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES)
    # One version number per kind, shared by its translations: accepting v2 in English
    # is accepting v2.
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(
        _("text"),
        help_text=_(
            "Plain text; blank lines separate paragraphs, lines starting "
            "with § or # become headings."
        ),
    )
    published_at = models.DateTimeField(_("published at"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("legal document")
        verbose_name_plural = _("legal documents")
        ordering = ["kind", "-version", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "language", "version"], name="legal_document_unique_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version} ({self.language})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Published texts are evidence of what people agreed to: never edited, only superseded.
        if self.pk and LegalDocument.objects.filter(pk=self.pk).exists():
            raise ValidationError(
                _("A published document cannot be changed; publish a new version.")
            )
        super().save(*args, **kwargs)
        # Cached answers resting on the current versions go in privacy/receivers.py.

    def blocks(self) -> list[tuple[str, str]]:
        """The body as (kind, text) blocks for safe rendering: ("h", ...) or ("p", ...)."""
        result = []
        for chunk in self.body.replace("\r\n", "\n").split("\n\n"):
            text = chunk.strip()
            if not text:
                continue
            if text.startswith("#"):
                result.append(("h", text.lstrip("# ")))
            elif text.startswith("§") and "\n" not in text:
                result.append(("h", text))
            else:
                result.append(("p", text))
        return result


class ConsentRecord(models.Model):
    """One decision, granted or refused. Rows are only ever added (PostgreSQL enforces it)."""

    class Purpose(models.TextChoices):
        AGE_18 = "age_18", _("Confirmed to be 18 or older")
        TERMS = "terms", _("Terms and conditions")
        PRIVACY = "privacy", _("Privacy policy")
        COOKIES_STATISTICS = "cookies_statistics", _("Statistics cookies (Google Analytics)")
        COOKIES_MARKETING = "cookies_marketing", _("Marketing cookies (Google Ads)")
        EMAIL_NEWS = "email_news", _("News by e-mail")
        EMAIL_OPEN_TRACKING = "email_open_tracking", _("E-mail open tracking")

    class Source(models.TextChoices):
        SIGNUP = "signup", _("Signup form")
        REACCEPT = "reaccept", _("Acceptance of a new version")
        COOKIE_BANNER = "cookie_banner", _("Cookie banner")
        CONSENT_PAGE = "consent_page", _("Consent overview")
        SETTINGS = "settings", _("Notification settings")
        NEWS = "news", _("News confirmation or unsubscribe link")
        ERASURE = "erasure", _("Account erasure")

    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consent_records",
    )
    # Keyed hash naming a person or attempt without identifying them (refused signups,
    # cookie choices of visitors, and every row once the account is erased).
    pseudonym = models.CharField(_("pseudonym"), max_length=64, db_index=True)
    purpose = models.CharField(_("purpose"), max_length=32, choices=Purpose.choices)
    document = models.ForeignKey(
        LegalDocument,
        verbose_name=_("document version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consents",
    )
    granted = models.BooleanField(_("granted"))
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    ip_truncated = models.CharField(_("truncated IP address"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    # Not columns: set on the rows some reads return. selectors.consent_records_for marks
    # `withdrawal` (a "no" that ended a grant) and `in_force`; the admin's list annotates
    # `superseded` (a later record of the same pseudonym and purpose exists).
    withdrawal: bool
    in_force: bool
    superseded: bool

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["subject", "purpose", "-created_at"])]

    def __str__(self) -> str:
        state = _("granted") if self.granted else _("refused")
        return f"{self.get_purpose_display()}: {state}"


class DataExport(models.Model):
    """A person's request for a copy of their data (Art. 15/20 GDPR)."""

    class State(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="data_exports",
    )
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.PENDING
    )
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES)
    # Name inside the private storage (never under MEDIA_ROOT).
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    ready_at = models.DateTimeField(_("ready at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)

    class Meta:
        verbose_name = _("data export")
        verbose_name_plural = _("data exports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_state_display()} ({self.created_at:%Y-%m-%d})"


class ErasureRequest(models.Model):
    """An account erasure and its progress. Holds no identifiers once the person is gone."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        DONE = "done", _("Done")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    pseudonym = models.CharField(_("pseudonym"), max_length=64, db_index=True)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.PENDING
    )
    was_coach = models.BooleanField(_("was a coach"), default=False)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.pseudonym[:12]}… {self.get_state_display()}"


class SupportRequest(models.Model):
    """A technical question sent through the help form (kept as the policy says, § 6.5)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="support_requests",
    )
    name = models.CharField(_("name"), max_length=120)
    email = models.EmailField(_("e-mail address"))
    subject = models.CharField(_("subject"), max_length=200)
    message = models.TextField(_("message"), max_length=5000)
    zendesk_ticket_id = models.CharField(_("Zendesk ticket"), max_length=32, blank=True)
    delivered_by = models.CharField(_("delivered by"), max_length=16, blank=True)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("support request")
        verbose_name_plural = _("support requests")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.subject


class Processor(models.Model):
    """A processor named in the privacy policy (Art. 28 GDPR); seeded from privacy/processors.py
    and maintained in the admin."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    purpose = models.CharField(_("purpose"), max_length=300)
    purpose_en = models.CharField(_("purpose (English)"), max_length=300, blank=True)
    data = models.CharField(_("data processed"), max_length=300)
    data_en = models.CharField(_("data processed (English)"), max_length=300, blank=True)
    region = models.CharField(_("region"), max_length=120)
    url = models.URLField(_("privacy information"))
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("processor")
        verbose_name_plural = _("processors")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def localized(self, language: str) -> tuple[str, str]:
        if language == "en":
            return self.purpose_en or self.purpose, self.data_en or self.data
        return self.purpose, self.data
