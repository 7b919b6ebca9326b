"""Accounting documents: receipts and their corrections in the coach's name, and SofaDoc's
monthly fee invoices to coaches (DESIGN.md, "Money flow").

A document is written once, from ledger rows and purchase lines, and never changes: the database
refuses UPDATE of anything but the recipient fields an erasure may blank (migration 0002), and
refuses DELETE until the legal retention period has run out. Every document snapshots its issuer,
recipient and tax treatment, so a later change of the coach's details rewrites nothing.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coaching.payments.models import LedgerEntry, Purchase, PurchaseLine
from coaching.practices.models import Practice, TaxTreatment

# § 147 AO / § 14b UStG: accounting documents are kept 8 years from the end of the year of issue.
RETENTION_YEARS = 8
SOFADOC_ISSUER = "sofadoc"


def retain_until_for(issued: date) -> date:
    """The last day the document must be kept; it may be deleted from the day after."""
    return date(issued.year + RETENTION_YEARS, 12, 31)


class DocumentKind(models.TextChoices):
    RECEIPT = "receipt", _("receipt")
    CANCELLATION = "cancellation", _("cancellation receipt")
    CORRECTION = "correction", _("corrected receipt")
    FEE_INVOICE = "fee_invoice", _("fee invoice")


class NumberSeries(models.Model):
    """The last number used by one issuer in one year. Numbers are taken under a row lock on this
    row, in the transaction that writes the document, so they have no gaps and no twins."""

    issuer_key = models.CharField(_("issuer"), max_length=32)
    year = models.PositiveSmallIntegerField(_("year"))
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("number series")
        verbose_name_plural = _("number series")
        constraints = [
            models.UniqueConstraint(fields=["issuer_key", "year"], name="number_series_once"),
        ]

    def __str__(self) -> str:
        return f"{self.issuer_key} {self.year}: {self.last_number}"


class Document(models.Model):
    kind = models.CharField(_("kind"), max_length=16, choices=DocumentKind.choices)
    issuer_key = models.CharField(_("number series"), max_length=32)
    number = models.CharField(_("number"), max_length=32)
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)
    # Receipts: the coach who issues them. Fee invoices: the coach SofaDoc invoices.
    practice = models.ForeignKey(
        Practice, on_delete=models.PROTECT, related_name="documents", verbose_name=_("practice")
    )
    purchase = models.ForeignKey(
        Purchase,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("purchase paid"),
    )
    # The movement that caused it (a capture's or a refund's gross row): one document each.
    ledger_entry = models.OneToOneField(
        LedgerEntry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="document",
        verbose_name=_("money movement"),
    )
    refers_to = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("corrects"),
    )
    # What made it, for idempotency where no ledger row does (a moved session, a month's fees,
    # a receipt migrated from bookings).
    source_key = models.CharField(_("source"), max_length=64, unique=True)
    # Fee invoices: the first day of the month invoiced.
    period_start = models.DateField(_("period"), null=True, blank=True)

    issuer_name = models.CharField(_("issuer"), max_length=160)
    issuer_address = models.TextField(_("issuer address"), max_length=400)
    issuer_tax_number = models.CharField(_("tax number"), max_length=32, blank=True)
    issuer_vat_id = models.CharField(_("VAT ID"), max_length=16, blank=True)
    tax_treatment = models.CharField(
        _("VAT treatment"), max_length=16, choices=TaxTreatment.choices
    )
    vat_rate = models.DecimalField(_("VAT rate"), max_digits=4, decimal_places=2)

    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="billing_documents",
        verbose_name=_("recipient account"),
    )
    recipient_name = models.CharField(_("recipient"), max_length=160, blank=True)
    recipient_address = models.TextField(_("recipient address"), max_length=400, blank=True)
    recipient_vat_id = models.CharField(_("recipient VAT ID"), max_length=16, blank=True)
    # Above 250 € gross (§ 33 UStDV) and on invoices to businesses the law requires the
    # recipient's name: an erasure keeps it (restricted) instead of blanking it.
    recipient_required = models.BooleanField(_("recipient required by law"), default=False)

    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    net_total = models.DecimalField(_("net"), max_digits=12, decimal_places=2)
    vat_total = models.DecimalField(_("VAT"), max_digits=12, decimal_places=2)
    gross_total = models.DecimalField(_("gross total"), max_digits=12, decimal_places=2)
    memo = models.CharField(_("note"), max_length=255, blank=True)

    # Fee invoices: when the coach was told by e-mail (set once; a rerun tells the rest).
    announced_at = models.DateTimeField(_("announced"), null=True, blank=True)
    # Set by an erasure: kept only for tax and audits (Art. 18 GDPR, § 147 AO).
    restricted = models.BooleanField(_("restricted"), default=False)
    retain_until = models.DateField(_("keep until"))

    class Meta:
        verbose_name = _("accounting document")
        verbose_name_plural = _("accounting documents")
        ordering = ["-issued_at", "-pk"]
        indexes = [models.Index(fields=["retain_until"], name="document_retain_until")]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer_key", "number"], name="document_number_per_issuer"
            ),
            models.UniqueConstraint(
                fields=["practice", "period_start"],
                condition=Q(kind="fee_invoice"),
                name="one_fee_invoice_per_month",
            ),
            models.CheckConstraint(
                condition=Q(gross_total=models.F("net_total") + models.F("vat_total")),
                name="document_gross_is_net_plus_vat",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    @property
    def is_from_sofadoc(self) -> bool:
        return self.issuer_key == SOFADOC_ISSUER

    @property
    def shows_vat(self) -> bool:
        return self.vat_rate > 0


class DocumentLine(models.Model):
    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, related_name="lines", verbose_name=_("document")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    # What was sold, as payments names it (kind "booking" + the booking's id): the booking page
    # finds its documents through these without billing knowing bookings.
    item_kind = models.CharField(_("item kind"), max_length=16, blank=True)
    item_id = models.PositiveBigIntegerField(_("item id"), null=True, blank=True)
    purchase_line = models.ForeignKey(
        PurchaseLine,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="document_lines",
    )
    description = models.CharField(_("description"), max_length=200)
    service_date = models.DateTimeField(_("service date"), null=True, blank=True)
    quantity = models.PositiveSmallIntegerField(_("count"), default=1)
    net = models.DecimalField(_("net"), max_digits=12, decimal_places=2)
    vat = models.DecimalField(_("VAT"), max_digits=12, decimal_places=2)
    gross = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("document line")
        verbose_name_plural = _("document lines")
        ordering = ["document", "position"]
        indexes = [models.Index(fields=["item_kind", "item_id"], name="documentline_item")]
        constraints = [
            models.UniqueConstraint(fields=["document", "position"], name="document_line_once"),
        ]

    def __str__(self) -> str:
        return f"{self.description} {self.gross}"
