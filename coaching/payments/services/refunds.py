"""Giving money back: refunds on the coach's behalf with SofaDoc's fee share, refunds made at
PayPal directly, and reversals (chargebacks)."""

from __future__ import annotations

import logging
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coaching.payments.fees import fee_share
from coaching.payments.ledger import ledger_write, refund_rows
from coaching.payments.models import (
    LedgerKind,
    Payment,
    PaymentStatus,
    PurchaseLine,
    Refund,
    RefundStatus,
)
from coaching.payments.providers import PaymentError, RefundSpec, provider_for
from coaching.payments.services.common import PaymentRefused, announce_on_commit, call_hooks

logger = logging.getLogger(__name__)

REFUNDABLE = (PaymentStatus.CAPTURED, PaymentStatus.PARTIALLY_REFUNDED)


def refund_issue(
    *, payment: Payment, amount: Decimal, reason: str, line: PurchaseLine | None = None
) -> Refund:
    """Refund `amount` of a captured payment at its provider, on the coach's behalf
    (PayPal-Auth-Assertion for the payee), with SofaDoc's fee given back in proportion.

    Refuses (PaymentRefused, nothing changes) an amount of zero, more than is left, or with
    fractions of a cent, and a payment that is not captured. A provider failure is not raised:
    the refund is kept as FAILED for staff (the caller's cancellation stands) and returned.
    A completed refund writes its ledger rows, tells the selling apps (on_refunded) and is
    announced as "refunded" after commit. `line`: the refund is for that line of the purchase
    only (one occurrence of a series), so only its selling app hears it.
    """
    with transaction.atomic():
        payment = Payment.objects.select_for_update().select_related("purchase").get(pk=payment.pk)
        if payment.status not in REFUNDABLE or not payment.capture_id:
            raise PaymentRefused(_("There is no payment left to refund."))
        amount = Decimal(amount)
        refunded = payment.refunded_amount()
        left = payment.amount - refunded
        if amount <= 0 or amount > left or amount != amount.quantize(Decimal("0.01")):
            raise PaymentRefused(
                _("The refund must be more than zero and at most what is left to refund.")
            )
        fee_before = sum(
            (r.platform_fee_returned for r in payment.refunds.exclude(status=RefundStatus.FAILED)),
            Decimal("0"),
        )
        share = fee_share(
            fee=payment.platform_fee or Decimal("0"),
            total=payment.amount,
            amount=amount,
            refunded_before=refunded,
            fee_before=fee_before,
        )
        number = payment.refunds.count() + 1
        refund = Refund.objects.create(
            payment=payment,
            amount=amount,
            currency=payment.currency,
            platform_fee_returned=share,
            reason=reason[:255],
        )
        try:
            result = provider_for(payment.provider).refund(
                RefundSpec(
                    capture_id=payment.capture_id,
                    amount=amount,
                    currency=payment.currency,
                    platform_fee=share,
                    payee_merchant_id=payment.payee_merchant_id,
                    request_id=f"sofadoc-refund-{payment.order_id}-{number}",
                )
            )
        except PaymentError as error:
            refund.status = RefundStatus.FAILED
            refund.platform_fee_returned = Decimal("0")
            refund.reason = f"{reason} — PayPal: {error.message}"[:255]
            refund.save(update_fields=["status", "reason", "platform_fee_returned"])
            logger.error("refund failed for payment %s: %s", payment.order_id, error.code)
            return refund
        refund.refund_id = result.refund_id
        refund.status = (
            RefundStatus.COMPLETED if result.status == "COMPLETED" else RefundStatus.PENDING
        )
        if result.platform_fee is not None:
            refund.platform_fee_returned = result.platform_fee  # what PayPal actually moved
        refund.save(update_fields=["refund_id", "status", "platform_fee_returned"])
        _after_refund(payment, refund, paypal_fee=result.paypal_fee, external=False, line=line)
    return refund


def refund_record_external(
    *,
    payment: Payment,
    refund_id: str,
    amount: Decimal,
    currency: str,
    paypal_fee: Decimal | None,
    platform_fee: Decimal | None,
    completed: bool,
) -> Refund | None:
    """A refund PayPal reports (webhook): one of ours completing, or one made at PayPal directly.
    Recorded once; None when the figures cannot be ours (currency, more than is left)."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().select_related("purchase").get(pk=payment.pk)
        refund = Refund.objects.filter(refund_id=refund_id, payment=payment).first()
        external = refund is None
        if refund is None:
            left = payment.amount - payment.refunded_amount()
            if currency != payment.currency or not 0 < amount <= left:
                logger.error("refund %s does not fit payment %s", refund_id, payment.order_id)
                return None
            refund = Refund.objects.create(
                payment=payment,
                refund_id=refund_id,
                amount=amount,
                currency=currency,
                platform_fee_returned=platform_fee or Decimal("0"),
                reason="refunded at PayPal",
            )
        elif refund.status == RefundStatus.COMPLETED:
            return refund
        refund.status = RefundStatus.COMPLETED if completed else RefundStatus.PENDING
        refund.save(update_fields=["status"])
        _after_refund(payment, refund, paypal_fee=paypal_fee, external=external)
    return refund


def _after_refund(
    payment: Payment, refund: Refund, *, paypal_fee, external: bool, line=None
) -> None:
    fully = payment.refunded_amount() >= payment.amount
    payment.status = PaymentStatus.REFUNDED if fully else PaymentStatus.PARTIALLY_REFUNDED
    payment.save(update_fields=["status", "updated_at"])
    entry_ids = []
    if refund.status == RefundStatus.COMPLETED:
        entry_ids = ledger_write(
            purchase=payment.purchase,
            rows=refund_rows(
                amount=refund.amount,
                paypal_fee=paypal_fee or Decimal("0"),
                platform_fee=refund.platform_fee_returned,
            ),
            currency=refund.currency,
            provider=payment.provider,
            reference=refund.refund_id,  # type: ignore[arg-type]
            occurred_at=timezone.now(),
            memo=refund.reason,
        )
        announce_on_commit("refunded", purchase=payment.purchase, ledger_entry_ids=entry_ids)
    call_hooks(
        payment.purchase,
        "on_refunded",
        payment=payment,
        refund=refund,
        amount=refund.amount,
        external=external,
        line=line,
    )


def payment_reverse(*, payment: Payment) -> Payment:
    """PayPal took the money back (a chargeback): recorded once, with a REVERSAL ledger row of
    what had not been refunded, and the selling apps told (on_reversed)."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().select_related("purchase").get(pk=payment.pk)
        if payment.status == PaymentStatus.REVERSED or not payment.capture_id:
            return payment
        taken = payment.amount - payment.refunded_amount()
        payment.status = PaymentStatus.REVERSED
        payment.save(update_fields=["status", "updated_at"])
        entry_ids = ledger_write(
            purchase=payment.purchase,
            rows=[(LedgerKind.REVERSAL, -taken)],
            currency=payment.currency,
            provider=payment.provider,
            reference=payment.capture_id,
            occurred_at=timezone.now(),
        )
        announce_on_commit("reversed", purchase=payment.purchase, ledger_entry_ids=entry_ids)
        call_hooks(payment.purchase, "on_reversed", payment=payment)
    return payment
