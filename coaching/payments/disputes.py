"""Disputes a client opens at PayPal: CUSTOMER.DISPUTE.CREATED / UPDATED / RESOLVED.

Opening one writes a DISPUTE_HOLD row (PayPal holds the disputed amount in the coach's balance),
its settlement a DISPUTE_RELEASE row of the same amount, whoever won: when the client wins,
PayPal moves the money with a refund or reversal of the capture, which arrives as its own event
and ledger rows; writing the loss here as well would count it twice.

The disputed capture must be one of ours (a CAPTURE_GROSS ledger row) and belong to the seller
the event names; otherwise the event is refused in the log and nothing changes. The selling app
flags its object through the kind registry (`on_disputed`); the coach hears of it through the
money_moved receivers (notifications), staff by e-mail.
"""

from __future__ import annotations

import logging
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from coaching.payments.kinds import kind_for
from coaching.payments.models import (
    Dispute,
    DisputeStatus,
    LedgerEntry,
    LedgerKind,
    Purchase,
)
from coaching.payments.signals import MoneyEvent, announce
from coaching.payments.staff_mail import staff_mail_queue

logger = logging.getLogger(__name__)

SELLER_WINS = {"RESOLVED_SELLER_FAVOUR", "DENIED", "CANCELED_BY_BUYER", "RESOLVED_WITH_PAYOUT"}
BUYER_WINS = {"RESOLVED_BUYER_FAVOUR", "ACCEPTED"}


def _refuse(why: str, dispute_id: str) -> str:
    logger.warning("dispute webhook %s refused: %s", dispute_id, why)
    return f"ignored: {why}"


def _disputed_capture(resource: dict) -> tuple[str, str]:
    transactions = resource.get("disputed_transactions") or [{}]
    first = transactions[0] or {}
    return (
        str(first.get("seller_transaction_id", "")),
        str((first.get("seller") or {}).get("merchant_id", "")),
    )


def _amount(resource: dict) -> tuple[Decimal, str] | None:
    money = resource.get("dispute_amount") or {}
    try:
        amount = Decimal(str(money.get("value", ""))).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None
    return (amount, str(money.get("currency_code", ""))) if amount > 0 else None


def _status_of(resource: dict) -> str:
    if str(resource.get("status", "")) != "RESOLVED":
        return DisputeStatus.OPEN
    outcome = str((resource.get("dispute_outcome") or {}).get("outcome_code", ""))
    if outcome in BUYER_WINS:
        return DisputeStatus.RESOLVED_BUYER
    if outcome in SELLER_WINS:
        return DisputeStatus.RESOLVED_SELLER
    return DisputeStatus.RESOLVED_OTHER


def on_dispute_event(event: dict) -> str:
    """One handler for all three events: the resource says what state the dispute is in."""
    resource = event.get("resource") or {}
    dispute_id = str(resource.get("dispute_id", ""))[:64]
    if not dispute_id:
        return _refuse("no dispute id", "?")
    capture_id, seller = _disputed_capture(resource)
    money = _amount(resource)
    if money is None:
        return _refuse("no usable amount", dispute_id)
    amount, currency = money
    capture = (
        LedgerEntry.objects.filter(kind=LedgerKind.CAPTURE_GROSS, provider_reference=capture_id)
        .select_related("practice__merchant_account")
        .first()
        if capture_id
        else None
    )
    if capture is None:
        return _refuse(f"unknown capture {capture_id!r}", dispute_id)
    account = getattr(capture.practice, "merchant_account", None)
    if seller and (account is None or account.merchant_id != seller):
        return _refuse(f"capture is not of seller {seller!r}", dispute_id)
    if currency != capture.currency or amount > capture.amount:
        return _refuse(f"amount {amount} {currency} does not fit the capture", dispute_id)
    status = _status_of(resource)
    with transaction.atomic():
        purchase = Purchase.objects.select_for_update().get(pk=capture.purchase_id)
        dispute, created = Dispute.objects.select_for_update().get_or_create(
            dispute_id=dispute_id,
            defaults={
                "purchase": purchase,
                "capture_id": capture_id,
                "amount": amount,
                "currency": currency,
                "reason": str(resource.get("reason", ""))[:64],
            },
        )
        was_open = not created and dispute.status == DisputeStatus.OPEN
        if dispute.status != DisputeStatus.OPEN and not created:
            return "already settled"  # a late UPDATED after RESOLVED changes nothing
        entries = []
        now = timezone.now()
        if created:
            entries.append(_ledger(dispute, purchase, LedgerKind.DISPUTE_HOLD, -amount, now))
        if status != DisputeStatus.OPEN:
            dispute.status = status
            entries.append(
                _ledger(dispute, purchase, LedgerKind.DISPUTE_RELEASE, dispute.amount, now)
            )
        dispute.reason = str(resource.get("reason", dispute.reason))[:64]
        dispute.save(update_fields=["status", "reason", "updated_at"])
        entry_ids = [entry.pk for entry in entries if entry is not None]
        opened, settled = created, status != DisputeStatus.OPEN and (created or was_open)
        if opened or settled:
            for line in purchase.lines.all():
                _flag(line, disputed=not settled)
            _tell(dispute=dispute, purchase=purchase, entry_ids=entry_ids, settled=settled)
    return "settled" if settled else ("opened" if opened else "updated")


def _flag(line, *, disputed: bool) -> None:
    try:
        kind = kind_for(line.kind)
    except LookupError:
        logger.warning("no purchase kind %r registered to flag a dispute", line.kind)
        return
    kind.on_disputed(line=line, disputed=disputed)


def _ledger(dispute, purchase, kind, amount, now) -> LedgerEntry | None:
    """Once per dispute and kind (the ledger's unique reference + kind): a repeat is a no-op."""
    entry, created = LedgerEntry.objects.get_or_create(
        provider_reference=dispute.dispute_id,
        kind=kind,
        defaults={
            "practice_id": purchase.practice_id,
            "purchase": purchase,
            "amount": amount,
            "currency": dispute.currency,
            "provider": "paypal",
            "occurred_at": now,
            "memo": f"dispute {dispute.dispute_id} on capture {dispute.capture_id}",
        },
    )
    return entry if created else None


def _tell(*, dispute: Dispute, purchase: Purchase, entry_ids: list[int], settled: bool) -> None:
    event = MoneyEvent(
        kind="dispute_resolved" if settled else "dispute_opened",
        purchase_id=purchase.pk,
        ledger_entry_ids=tuple(entry_ids),
        practice_id=purchase.practice_id,
    )
    transaction.on_commit(lambda: announce(event))
    state = dispute.get_status_display() if settled else "open"
    staff_mail_queue(
        kind="dispute_staff",
        facts={
            "dispute_id": dispute.dispute_id,
            "capture_id": dispute.capture_id,
            "practice_id": purchase.practice_id,
            "purchase_id": purchase.pk,
            "amount": str(dispute.amount),
            "currency": dispute.currency,
            "reason": dispute.reason or "-",
            "state": str(state),
        },
    )


EVENT_HANDLERS = {
    "CUSTOMER.DISPUTE.CREATED": on_dispute_event,
    "CUSTOMER.DISPUTE.UPDATED": on_dispute_event,
    "CUSTOMER.DISPUTE.RESOLVED": on_dispute_event,
}
