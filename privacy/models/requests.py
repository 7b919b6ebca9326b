"""The register of data-subject requests (Art. 12 (3) GDPR: answered within a month, extendable by
two further months with a reason) and the retention task's reports."""

import calendar
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class DataRequest(models.Model):
    class Kind(models.TextChoices):
        ACCESS = "access", _("Access (Art. 15)")
        RECTIFICATION = "rectification", _("Rectification (Art. 16)")
        ERASURE = "erasure", _("Erasure (Art. 17)")
        RESTRICTION = "restriction", _("Restriction (Art. 18)")
        PORTABILITY = "portability", _("Portability (Art. 20)")
        OBJECTION = "objection", _("Objection (Art. 21)")
        WITHDRAWAL = "withdrawal", _("Withdrawal of consent (Art. 7 (3))")

    class Channel(models.TextChoices):
        SELF_SERVICE = "self_service", _("Self-service on the site")
        EMAIL = "email", _("E-mail")
        LETTER = "letter", _("Letter")
        OTHER = "other", _("Other")

    kind = models.CharField(_("request"), max_length=16, choices=Kind.choices)
    channel = models.CharField(_("received by"), max_length=16, choices=Channel.choices)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="data_requests",
    )
    # Who asked, as they wrote it (a letter's sender); cleared when their account is erased.
    requester_name = models.CharField(_("name"), max_length=160, blank=True)
    contact = models.CharField(_("e-mail or postal address"), max_length=300, blank=True)
    pseudonym = models.CharField(_("pseudonym"), max_length=64, blank=True, db_index=True)
    received_on = models.DateField(_("received on"), default=timezone.localdate)
    extended_until = models.DateField(_("extended until"), null=True, blank=True)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_on = models.DateField(_("answer sent on"), null=True, blank=True)
    warned_at = models.DateTimeField(_("reminder sent"), null=True, blank=True, editable=False)
    due_alert_at = models.DateTimeField(
        _("deadline alert sent"), null=True, blank=True, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("data request")
        verbose_name_plural = _("data requests")
        ordering = ["answered_on", "received_on", "pk"]
        constraints = [
            # The same letter entered twice is refused (the form names the first entry).
            models.UniqueConstraint(
                fields=["kind", "channel", "received_on", "requester", "contact"],
                name="data_request_once",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.received_on:%Y-%m-%d})"

    @property
    def deadline(self) -> datetime.date:
        """One month after receipt, or the extended date."""
        return self.extended_until or add_months(self.received_on, 1)

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return self.answered_on is None and (today or timezone.localdate()) > self.deadline

    def clean(self) -> None:
        errors: dict[str, str | Promise] = {}
        if self.extended_until:
            latest = add_months(self.received_on, 3)
            if self.extended_until > latest:
                errors["extended_until"] = _(
                    "At most two further months: the latest possible date is %(date)s."
                ) % {"date": latest.isoformat()}
            elif self.extended_until <= add_months(self.received_on, 1):
                errors["extended_until"] = _("An extension must end after the regular deadline.")
            if not self.extension_reason.strip():
                errors["extension_reason"] = _(
                    "Give the reason for the extension; the person must be told it within "
                    "the first month."
                )
        if self.answered_on and self.answered_on < self.received_on:
            errors["answered_on"] = _("The answer cannot be sent before the request arrived.")
        if not self.requester_id and not (self.requester_name or self.contact):
            errors["contact"] = _("Name the person or how to reach them.")
        if errors:
            raise ValidationError(errors)


class RetentionRun(models.Model):
    """What one run of the retention task deleted, per rule of the schedule."""

    ran_at = models.DateTimeField(_("ran at"), auto_now_add=True)
    report = models.JSONField(_("deleted"), default=dict)

    class Meta:
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")
        ordering = ["-ran_at"]

    def __str__(self) -> str:
        return f"{self.ran_at:%Y-%m-%d %H:%M}"

    @property
    def total(self) -> int:
        return sum(self.report.values())
