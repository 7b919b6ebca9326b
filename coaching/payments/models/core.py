"""Money that moves: purchases, PayPal payments and refunds, the coach's merchant account, and the
append-only ledger that is the record of every movement (DESIGN.md, "Money flow").

This app knows purchases, not bookings: a purchase line names its *kind* ("booking", later
"package"), and the app that sells that kind registers what happens when the line is paid or
refunded (`coaching/payments/kinds.py`). Amounts are Decimal with an ISO currency; nothing
financial is ever deleted (PROTECT everywhere), and ledger rows are refused UPDATE and DELETE by
the database itself (migration 0002).
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from coaching.practices.models import Practice

CENT = Decimal("0.01")


def new_tracking_id() -> str:
    return "sd-" + secrets.token_hex(12)


def new_purchase_reference() -> str:
    return "SP-" + secrets.token_hex(6).upper()


class MerchantStatus(models.TextChoices):
    NOT_CONNECTED = "not_connected", _("not connected")
    PENDING = "pending", _("waiting for PayPal")
    ACTIVE = "active", _("receives payments")
    REVOKED = "revoked", _("permission revoked")


class MerchantAccount(models.Model):
    """A coach's own PayPal business account, connected through partner-referral onboarding.

    Nothing from the onboarding return URL is trusted: the flags are written only from what
    PayPal's merchant-integration status says (`coaching/payments/onboarding.py`).
    """

    practice = models.OneToOneField(
        Practice,
        on_delete=models.PROTECT,
        related_name="merchant_account",
        verbose_name=_("practice"),
    )
    provider = models.CharField(_("provider"), max_length=16)
    # Our id for the referral; PayPal echoes it, so a return can be matched to one practice.
    tracking_id = models.CharField(
        _("tracking id"), max_length=64, unique=True, default=new_tracking_id, editable=False
    )
    merchant_id = models.CharField(
        _("PayPal merchant id"), max_length=32, unique=True, null=True, blank=True
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=MerchantStatus.choices,
        default=MerchantStatus.NOT_CONNECTED,
    )
    payments_receivable = models.BooleanField(_("payments receivable"), default=False)
    primary_email_confirmed = models.BooleanField(_("primary e-mail confirmed"), default=False)
    permissions_granted = models.BooleanField(_("permissions granted"), default=False)
    checked_at = models.DateTimeField(_("last checked at PayPal"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("PayPal merchant account")
        verbose_name_plural = _("PayPal merchant accounts")

    def __str__(self) -> str:
        return f"{self.practice} ({self.get_status_display()})"

    @property
    def can_receive_payments(self) -> bool:
        return self.status == MerchantStatus.ACTIVE and self.payments_receivable


class Purchase(models.Model):
    """What a client buys from one coach in one checkout: one or more lines, one price.

    The payee is the practice; the platform fee is decided once, when the purchase is created
    (`coaching/payments/fees.py`), and stored so a later change of the fee rules alters nothing.
    """

    practice = models.ForeignKey(
        Practice, on_delete=models.PROTECT, related_name="purchases", verbose_name=_("payee")
    )
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,  # kept, without the buyer, when they erase their account
        null=True,
        blank=True,
        related_name="purchases",
        verbose_name=_("buyer"),
    )
    # What the order's invoice_id and custom_id say at PayPal (the booking's reference for a
    # booking), and the stem of the PayPal-Request-Ids for this purchase's orders.
    reference = models.CharField(
        _("reference"), max_length=32, unique=True, default=new_purchase_reference
    )
    total = models.DecimalField(_("total"), max_digits=10, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    platform_fee = models.DecimalField(_("platform fee"), max_digits=10, decimal_places=2)
    # Above the small-amount limit a receipt must name the buyer (§ 33 UStDV: 250 € gross).
    billing_name = models.CharField(_("billing name"), max_length=160, blank=True)
    billing_address = models.TextField(_("billing address"), max_length=400, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("purchase")
        verbose_name_plural = _("purchases")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(platform_fee__gte=0) & Q(platform_fee__lte=models.F("total")),
                name="purchase_fee_within_total",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.total} {self.currency}"


class PurchaseLine(models.Model):
    """One thing sold. `kind` + `object_id` point into the selling app (kinds.py registry)."""

    purchase = models.ForeignKey(
        Purchase, on_delete=models.PROTECT, related_name="lines", verbose_name=_("purchase")
    )
    kind = models.CharField(_("kind"), max_length=16)
    object_id = models.PositiveBigIntegerField(_("object id"))
    description = models.CharField(_("description"), max_length=200)
    # The date of service a receipt must name; a moved session gets a correction document.
    service_date = models.DateTimeField(_("date of service"), null=True, blank=True)
    quantity = models.PositiveSmallIntegerField(_("quantity"), default=1)
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")

    class Meta:
        verbose_name = _("purchase line")
        verbose_name_plural = _("purchase lines")
        ordering = ["purchase", "pk"]
        indexes = [models.Index(fields=["kind", "object_id"], name="purchaseline_kind_object")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id} {self.amount} {self.currency}"


class PaymentStatus(models.TextChoices):
    CREATED = "created", _("waiting for approval")
    CAPTURED = "captured", _("paid")
    PENDING = "pending", _("pending at PayPal")
    FAILED = "failed", _("failed")
    CANCELLED = "cancelled", _("cancelled")
    REFUNDED = "refunded", _("refunded")
    PARTIALLY_REFUNDED = "partially_refunded", _("partly refunded")
    REVERSED = "reversed", _("reversed")


class LedgerKind(models.TextChoices):
    """One row per money movement. Signs: money towards the coach is positive."""

    CAPTURE_GROSS = "capture_gross", _("payment received (gross)")
    PAYPAL_FEE = "paypal_fee", _("PayPal fee")
    PLATFORM_FEE = "platform_fee", _("SofaDoc fee")
    NET = "net", _("net to coach")
    REFUND_GROSS = "refund_gross", _("refund (gross)")
    REFUND_PAYPAL_FEE = "refund_paypal_fee", _("PayPal fee returned")
    REFUND_PLATFORM_FEE = "refund_platform_fee", _("SofaDoc fee returned")
    REFUND_NET = "refund_net", _("refund (net from coach)")
    DISPUTE_HOLD = "dispute_hold", _("held for a dispute")
    DISPUTE_RELEASE = "dispute_release", _("dispute hold released")
    REVERSAL = "reversal", _("payment reversed")
    CORRECTION = "correction", _("correction")


class LedgerEntry(models.Model):
    """Append-only: the database refuses UPDATE and DELETE (trigger in migration 0002).

    A correction is a new row. `provider_reference` + `kind` is unique, so recording the same
    capture or refund twice (return leg and webhook racing) writes it once.
    """

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="ledger_entries")
    purchase = models.ForeignKey(Purchase, on_delete=models.PROTECT, related_name="ledger_entries")
    kind = models.CharField(_("kind"), max_length=24, choices=LedgerKind.choices)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    provider = models.CharField(_("provider"), max_length=16)
    # The capture, refund or dispute id at the provider this movement belongs to.
    provider_reference = models.CharField(_("provider reference"), max_length=64)
    occurred_at = models.DateTimeField(_("occurred"))
    created_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)
    memo = models.CharField(_("memo"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["occurred_at", "pk"]
        indexes = [
            models.Index(fields=["practice", "occurred_at"], name="ledger_practice_occurred"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["provider_reference", "kind"], name="ledger_once_per_movement"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} {self.currency}"


class DisputeStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("dispute", "open")
    RESOLVED_BUYER = "resolved_buyer", _("decided for the client")
    RESOLVED_SELLER = "resolved_seller", _("decided for the coach")
    RESOLVED_OTHER = "resolved_other", _("closed")


class Dispute(models.Model):
    dispute_id = models.CharField(_("PayPal dispute"), max_length=64, unique=True)
    purchase = models.ForeignKey(Purchase, on_delete=models.PROTECT, related_name="disputes")
    capture_id = models.CharField(_("PayPal capture"), max_length=64)
    status = models.CharField(
        _("status"), max_length=16, choices=DisputeStatus.choices, default=DisputeStatus.OPEN
    )
    reason = models.CharField(_("reason"), max_length=64, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    created_at = models.DateTimeField(_("opened"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.dispute_id


class ReconciliationDifference(models.Model):
    """A difference between our ledger and PayPal's transaction search: listed, never fixed
    silently. Staff resolve it through a service that may write a CORRECTION ledger row."""

    day = models.DateField(_("day"))
    provider_reference = models.CharField(_("provider reference"), max_length=64)
    description = models.CharField(_("difference"), max_length=255)
    ledger_amount = models.DecimalField(
        _("in our ledger"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    provider_amount = models.DecimalField(
        _("at PayPal"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    found_at = models.DateTimeField(_("found"), default=timezone.now, editable=False)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolution = models.CharField(_("resolution"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("reconciliation difference")
        verbose_name_plural = _("reconciliation differences")
        ordering = ["-day", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["day", "provider_reference", "description"],
                name="reconciliation_difference_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.provider_reference}: {self.description}"
