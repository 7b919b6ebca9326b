"""Payments, refunds and provider webhooks: the steps in which money moves for a purchase.

Moved here from bookings (issue 15): a payment belongs to a purchase, never to a booking, so a
package or a series of sessions is paid the same way. Imported by `coaching/payments/models.py`,
so Django sees these models as part of the payments app.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from coaching.payments.models.core import PaymentStatus, Purchase
from coaching.practices.models import Practice


class Payment(models.Model):
    """One provider order for a purchase (a retry after a declined card creates a new one).

    `provider` says which provider made it, and every later step (capture, refund) goes to that
    provider again (`coaching/payments/providers`), whatever the site is configured for now.
    """

    purchase = models.ForeignKey(
        Purchase, on_delete=models.PROTECT, related_name="payments", verbose_name=_("purchase")
    )
    provider = models.CharField(_("provider"), max_length=16)
    order_id = models.CharField(_("PayPal order"), max_length=64, unique=True)
    capture_id = models.CharField(
        _("PayPal capture"), max_length=64, unique=True, null=True, blank=True
    )
    # The coach's merchant id the order named as payee: refunds are made on their behalf.
    payee_merchant_id = models.CharField(_("payee"), max_length=32, blank=True)
    approve_url = models.URLField(_("approval page"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.CREATED
    )
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    # From the capture's seller_receivable_breakdown (the ledger rows hold the same figures).
    paypal_fee = models.DecimalField(
        _("PayPal fee"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    platform_fee = models.DecimalField(
        _("platform fee"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    net_amount = models.DecimalField(
        _("net to coach"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    captured_at = models.DateTimeField(_("paid"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(status__in=["created", "pending"]),
                name="payment_open_orders",
            )
        ]

    def __str__(self) -> str:
        return f"{self.order_id} ({self.get_status_display()})"

    def refunded_amount(self) -> Decimal:
        return sum(
            (r.amount for r in self.refunds.all() if r.status != RefundStatus.FAILED), Decimal("0")
        )


class RefundStatus(models.TextChoices):
    # A context of their own: "completed" is also a session's state ("stattgefunden").
    PENDING = "pending", pgettext_lazy("refund status", "pending")
    COMPLETED = "completed", pgettext_lazy("refund status", "completed")
    FAILED = "failed", pgettext_lazy("refund status", "failed")


class Refund(models.Model):
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    refund_id = models.CharField(
        _("PayPal refund"), max_length=64, unique=True, null=True, blank=True
    )
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    # SofaDoc's fee given back with this refund, in proportion to the amount refunded.
    platform_fee_returned = models.DecimalField(
        _("SofaDoc fee returned"), max_digits=10, decimal_places=2, default=Decimal("0")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=RefundStatus.choices, default=RefundStatus.PENDING
    )
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} ({self.get_status_display()})"


class WebhookEvent(models.Model):
    """Every verified PayPal webhook, once (PayPal retries deliveries for three days)."""

    event_id = models.CharField(_("event id"), max_length=64, unique=True)
    event_type = models.CharField(_("type"), max_length=64)
    resource_id = models.CharField(_("resource"), max_length=64, blank=True)
    payload = models.JSONField(_("payload"))
    received_at = models.DateTimeField(_("received"), default=timezone.now, editable=False)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)
    # "ignored: ..." for verified events we have no use for (answered 200 so PayPal stops).
    outcome = models.CharField(_("outcome"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id}"


class FeeOverride(models.Model):
    """Staff set a practice's own SofaDoc fee (a launch offer, a negotiated rate). Applies to
    purchases created after the change; a purchase keeps the fee it was created with."""

    practice = models.OneToOneField(
        Practice, on_delete=models.CASCADE, related_name="fee_override", verbose_name=_("practice")
    )
    percent = models.DecimalField(
        _("fee in percent"),
        max_digits=5,
        decimal_places=2,
        help_text=_("Percentage of the price, e.g. 5.00."),
    )
    fixed = models.DecimalField(
        _("fixed fee per payment"), max_digits=8, decimal_places=2, default=Decimal("0")
    )
    note = models.CharField(_("why"), max_length=255, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("fee override")
        verbose_name_plural = _("fee overrides")
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__gte=0) & Q(percent__lte=100) & Q(fixed__gte=0),
                name="fee_override_sane",
            )
        ]

    def __str__(self) -> str:
        return f"{self.practice}: {self.percent} % + {self.fixed}"
