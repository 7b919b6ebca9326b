"""What an erasure leaves behind on purpose: rows the law makes us keep (restricted), and the
requests to processors to delete their copies (retried until they succeed)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RestrictedRecord(models.Model):
    """A kept row that still names an erased person because the law requires it (Art. 17 (3) b,
    Art. 18 GDPR): only `fields` may hold their data, only for the stated basis, only until
    `keep_until`; the retention task then clears those columns and this mark."""

    model_label = models.CharField(_("record type"), max_length=100)
    object_id = models.CharField(_("record"), max_length=64)
    fields = models.JSONField(_("columns kept"), default=list)
    basis = models.CharField(_("legal basis"), max_length=200)
    pseudonym = models.CharField(_("pseudonym"), max_length=64, db_index=True)
    restricted_at = models.DateTimeField(_("restricted since"), auto_now_add=True)
    keep_until = models.DateField(_("kept until"))
    released_at = models.DateTimeField(_("cleared at"), null=True, blank=True)

    class Meta:
        verbose_name = _("restricted record")
        verbose_name_plural = _("restricted records")
        ordering = ["keep_until", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["model_label", "object_id"], name="restricted_record_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.model_label} #{self.object_id}"


class ProcessorErasure(models.Model):
    """One processor asked to delete an erased person's data (Art. 17 (2), Art. 28 (3) g GDPR).

    A durable job: the row is written with the erasure, a task works it, and a periodic scan
    retries what is due until the processor confirms. `lookup` (the e-mail address or phone
    number the processor knows the person by) is the only identifier kept, and only until done.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        DONE = "done", _("Done")

    processor = models.CharField(_("processor"), max_length=32)
    erasure = models.ForeignKey(
        "privacy.ErasureRequest",
        verbose_name=_("erasure request"),
        on_delete=models.PROTECT,
        related_name="processor_erasures",
    )
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.PENDING
    )
    lookup = models.CharField(_("identifier at the processor"), max_length=254, blank=True)
    # Ids we already know (e.g. Zendesk tickets of stored support requests): no personal data.
    known_ids = models.JSONField(_("known ids"), default=list, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=255, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    # Each request sent and its answer ("DELETE /api/v2/users/7 → 200"), for staff and auditors.
    calls = models.JSONField(_("calls"), default=list, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    class Meta:
        verbose_name = _("deletion at a processor")
        verbose_name_plural = _("deletions at processors")
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(state="pending"),
                name="processor_erasure_due",
            )
        ]
        constraints = [
            models.UniqueConstraint(fields=["erasure", "processor"], name="processor_erasure_once")
        ]

    def __str__(self) -> str:
        return f"{self.processor}: {self.get_state_display()}"
