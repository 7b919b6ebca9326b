"""Taking the money: start an order at the provider, capture it once, cancel it, and finish
orders whose return leg never arrived."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coaching.payments.ledger import capture_rows, check_reported_net, ledger_write
from coaching.payments.models import Payment, PaymentStatus, Purchase
from coaching.payments.orders import PayeeMissing, order_spec
from coaching.payments.providers import PaymentError, default_provider, provider_for
from coaching.payments.services.common import PaymentRefused, announce_on_commit, call_hooks
from coaching.payments.services.refunds import refund_issue

logger = logging.getLogger(__name__)

CAPTURED_STATES = (
    PaymentStatus.CAPTURED,
    PaymentStatus.PARTIALLY_REFUNDED,
    PaymentStatus.REFUNDED,
    PaymentStatus.REVERSED,
)

if TYPE_CHECKING:
    from sofadoc.accounts.models import User


def payment_start(
    *,
    purchase: Purchase,
    return_url: str,
    cancel_url: str,
    locale: str,
    provider: str | None = None,
) -> Payment:
    """Create (or, on a repeated click, find again) the provider order for `purchase`; the
    payment's `approve_url` is where the buyer approves it. `provider` names one other than the
    site's default (the demo data always pays through the twin). Raises PaymentRefused when the
    coach cannot be paid or the purchase is paid already, PaymentError when the provider fails."""
    with transaction.atomic():
        purchase = (
            Purchase.objects.select_for_update().select_related("practice").get(pk=purchase.pk)
        )
        if purchase.payments.filter(status__in=CAPTURED_STATES).exists():
            raise PaymentRefused(_("This has been paid already."))
        chosen = provider_for(provider) if provider else default_provider()
        attempt = purchase.payments.exclude(status=PaymentStatus.CREATED).count() + 1
        try:
            spec = order_spec(
                purchase=purchase,
                provider_name=chosen.name,
                request_id=f"sofadoc-order-{purchase.reference}-{attempt}",
                return_url=return_url,
                cancel_url=cancel_url,
                locale=locale,
            )
        except PayeeMissing as error:
            raise PaymentRefused(error.message) from error
        order = chosen.create_order(spec)
        payment, _created = Payment.objects.get_or_create(
            order_id=order.order_id,
            defaults={
                "purchase": purchase,
                "provider": chosen.name,
                "payee_merchant_id": spec.payee_merchant_id,
                "approve_url": order.approve_url[:500],
                "amount": purchase.total,
                "currency": purchase.currency,
            },
        )
    return payment


def payment_capture(*, order_id: str, actor: User | None = None) -> Payment:
    """Take the money for an approved order, once; safe to call again (return leg, webhook and
    reconciler may race: the payment row lock orders them, the later ones find it captured).

    Writes the capture's ledger rows and tells the selling apps (on_paid) in the same
    transaction; announces "captured" after commit. Money that does not match the purchase
    (amount or currency) is given back in full and on_paid is not called.
    Raises PaymentRefused for a payment that is no longer open or was declined.
    """
    with transaction.atomic():
        payment = (
            Payment.objects.select_for_update().select_related("purchase").get(order_id=order_id)
        )
        if payment.status in CAPTURED_STATES:
            return payment
        if payment.status not in (PaymentStatus.CREATED, PaymentStatus.PENDING):
            raise PaymentRefused(_("This payment is no longer open."))
        capture = provider_for(payment.provider).capture(
            order_id=order_id, request_id=f"sofadoc-capture-{order_id}"
        )
        if capture.status == "PENDING":
            payment.status = PaymentStatus.PENDING
            payment.capture_id = capture.capture_id or None
            payment.save(update_fields=["status", "capture_id", "updated_at"])
            return payment
        if capture.status != "COMPLETED":
            raise PaymentRefused(_("PayPal declined the payment. Please try again."))
        purchase = payment.purchase
        paypal_fee = capture.paypal_fee if capture.paypal_fee is not None else Decimal("0")
        platform_fee = capture.platform_fee if capture.platform_fee is not None else Decimal("0")
        rows = capture_rows(gross=capture.amount, paypal_fee=paypal_fee, platform_fee=platform_fee)
        net = rows[-1][1]
        check_reported_net(reference=capture.capture_id, reported=capture.net_amount, derived=net)
        now = timezone.now()
        payment.status = PaymentStatus.CAPTURED
        payment.capture_id = capture.capture_id
        payment.captured_at = now
        payment.paypal_fee, payment.platform_fee, payment.net_amount = paypal_fee, platform_fee, net
        payment.save()
        entry_ids = ledger_write(
            purchase=purchase,
            rows=rows,
            currency=capture.currency,
            provider=payment.provider,
            reference=capture.capture_id,
            occurred_at=now,
        )
        announce_on_commit("captured", purchase=purchase, ledger_entry_ids=entry_ids)
        if capture.amount != payment.amount or capture.currency != payment.currency:
            # Never keep money that does not match what was agreed: give back what was taken,
            # in the currency it was taken in (the payment records what really moved).
            logger.error("capture %s does not match purchase %s", capture.capture_id, purchase.pk)
            payment.amount, payment.currency = capture.amount, capture.currency
            payment.save(update_fields=["amount", "currency", "updated_at"])
            refund_issue(payment=payment, amount=capture.amount, reason="amount did not match")
            return payment
        call_hooks(purchase, "on_paid", payment=payment, actor=actor)
    return payment


def payment_cancel(*, purchase_id: int, order_id: str) -> bool:
    """The buyer cancelled at the provider: an order not yet paid is closed. True if it was."""
    with transaction.atomic():
        return bool(
            Payment.objects.filter(
                purchase_id=purchase_id, order_id=order_id, status=PaymentStatus.CREATED
            ).update(status=PaymentStatus.CANCELLED, updated_at=timezone.now())
        )


def payment_fail(*, payment: Payment, reason: str) -> Payment:
    """The provider declined or denied the capture: the payment fails and the selling apps hear
    it (on_payment_failed). Nothing happens to a payment that is captured already."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().select_related("purchase").get(pk=payment.pk)
        if payment.status not in (PaymentStatus.CREATED, PaymentStatus.PENDING):
            return payment
        payment.status = PaymentStatus.FAILED
        payment.save(update_fields=["status", "updated_at"])
        call_hooks(payment.purchase, "on_payment_failed", payment=payment, reason=reason)
    return payment


def payment_reconcile_open(*, now: datetime | None = None) -> int:
    """Capture orders the buyer approved at the provider but whose return to us never arrived
    (closed tab, lost connection). Each payment on its own: one failure stops no other.
    Returns how many it finished."""
    now = now or timezone.now()
    open_payments = Payment.objects.filter(
        status__in=[PaymentStatus.CREATED, PaymentStatus.PENDING],
        created_at__lte=now - timedelta(minutes=2),  # leave the buyer time to come back
        created_at__gte=now - timedelta(hours=3),  # PayPal lets unapproved orders lapse
    )
    finished = 0
    for payment in open_payments:
        try:
            order = provider_for(payment.provider).get_order(payment.order_id)
            if order.status in ("APPROVED", "COMPLETED"):
                with transaction.atomic(durable=True):
                    payment_capture(order_id=payment.order_id)
                finished += 1
        except (PaymentError, PaymentRefused) as error:
            logger.warning("reconciling %s: %s", payment.order_id, error)
    return finished
