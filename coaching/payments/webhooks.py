"""POST /webhooks/paypal/: PayPal tells us what happened to a payment, a merchant or a dispute.

Order of checks: the event must have PayPal's documented shape (400), be fresh (400, so a
recorded delivery cannot be replayed later) and carry PayPal's signature over exactly the bytes
received (400; 503 when the certificate cannot be fetched, so PayPal delivers again). Each
verified event is stored once; a repeated delivery is answered 200 without doing anything twice.
Verified events we have no use for are stored as "ignored: ..." and answered 200, so PayPal stops
retrying. A handler that fails for a reason that may pass (PayPal unreachable) stores nothing and
answers 503.

Handlers are looked up by event type in a registry: the payment events are registered below;
onboarding and disputes plug theirs in from their own modules:

    register_event_handler("MERCHANT.PARTNER-CONSENT.REVOKED", handle_revoked)

A handler takes the event (a dict) and returns the outcome to store; it runs inside the
transaction that stores the event.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from coaching.payments.models import Payment, PaymentStatus, WebhookEvent
from coaching.payments.providers import PaymentError, VerifierUnavailable, provider_for
from coaching.payments.services import (
    PaymentRefused,
    payment_capture,
    payment_fail,
    payment_reverse,
    refund_record_external,
)

logger = logging.getLogger(__name__)

# A webhook older (or newer) than this is refused, so a captured delivery cannot be replayed.
WEBHOOK_MAX_AGE = timedelta(minutes=10)

Handler = Callable[[dict], str]
_handlers: dict[str, Handler] = {}


def register_event_handler(event_type: str, handler: Handler) -> Handler:
    """Register once per type; a second registration replaces the first (test reloads)."""
    _handlers[event_type] = handler
    return handler


def webhook_is_fresh(transmission_time: str, now: datetime | None = None) -> bool:
    try:
        sent = datetime.fromisoformat(transmission_time.replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        return False
    if sent.tzinfo is None:
        return False
    return abs((now or timezone.now()) - sent) <= WEBHOOK_MAX_AGE


@csrf_exempt
@require_POST
def paypal_webhook(request: HttpRequest) -> HttpResponse:
    body = request.body  # the exact bytes PayPal signed: never re-serialised
    event = _event_from(body)
    if event is None:
        return JsonResponse({"error": "malformed event"}, status=400)
    if not webhook_is_fresh(request.headers.get("PAYPAL-TRANSMISSION-TIME", "")):
        return JsonResponse({"error": "stale or missing transmission time"}, status=400)
    if settings.PAYPAL_MODE not in ("sandbox", "live"):
        # The twin sends no webhooks: nothing may pretend to be PayPal on a demo site.
        return JsonResponse({"error": "signature not verified"}, status=400)
    try:
        verified = provider_for("paypal").verify_webhook(headers=request.headers, body=body)
    except VerifierUnavailable as error:
        logger.warning("paypal webhook not verifiable now: %s", error)
        return JsonResponse({"error": "cannot verify now, try again later"}, status=503)
    if not verified:
        return JsonResponse({"error": "signature not verified"}, status=400)
    event_id, event_type, resource = event["id"], event["event_type"], event["resource"]
    if WebhookEvent.objects.filter(event_id=event_id).exists():
        return JsonResponse({"status": "duplicate"})
    try:
        with transaction.atomic(durable=True):
            stored = WebhookEvent.objects.create(
                event_id=event_id,
                event_type=event_type,
                resource_id=str(resource.get("id", ""))[:64],
                payload=_without_personal_data(event),
            )
            handler = _handlers.get(event_type)
            outcome = handler(event) if handler else f"ignored: no use for {event_type}"
            stored.outcome = outcome[:255]
            stored.processed_at = timezone.now()
            stored.save(update_fields=["outcome", "processed_at"])
    except IntegrityError:  # the same event, delivered twice at once
        return JsonResponse({"status": "duplicate"})
    except PaymentError as error:
        if error.retry:
            logger.warning("paypal webhook %s not handled yet: %s", event_type, error.code)
            return JsonResponse({"error": "try again later"}, status=503)
        # PayPal refuses what the event asks of us for good (e.g. ORDER_NOT_APPROVED): a retry
        # changes nothing, so the event is kept as ignored and PayPal stops.
        outcome = f"ignored: PayPal says {error.code or error.message}"[:255]
        try:
            with transaction.atomic(durable=True):
                WebhookEvent.objects.create(
                    event_id=event_id,
                    event_type=event_type,
                    resource_id=str(resource.get("id", ""))[:64],
                    payload=_without_personal_data(event),
                    outcome=outcome,
                    processed_at=timezone.now(),
                )
        except IntegrityError:
            return JsonResponse({"status": "duplicate"})
        return JsonResponse({"status": "ok", "outcome": outcome})
    return JsonResponse({"status": "ok", "outcome": stored.outcome})


def _event_from(body: bytes) -> dict | None:
    """The event if it has the shape PayPal documents, else None (answered with a 400).

    Checked before anything else: a verified signature says who sent it, not that our code can
    read it, and PostgreSQL cannot store text with NUL (JSON's \\u0000) at all.
    """
    try:
        event = json.loads(body)
    except ValueError:
        return None
    if not isinstance(event, dict) or b"\\u0000" in body:
        return None
    for key in ("id", "event_type"):  # stored in columns of 64 characters
        if not isinstance(event.get(key), str) or not 0 < len(event[key]) <= 64:
            return None
    resource = event.get("resource") or {}
    if not isinstance(resource, dict):
        return None
    supplementary = resource.get("supplementary_data", {})
    related = supplementary.get("related_ids", {}) if isinstance(supplementary, dict) else None
    if not isinstance(related, dict) or not isinstance(resource.get("links", []), list):
        return None
    return {**event, "resource": resource}


def _without_personal_data(event: dict) -> dict:
    """Keep what explains the event; drop payer and payee details (names, e-mails, addresses)."""
    resource = {
        k: v for k, v in (event.get("resource") or {}).items() if k not in ("payer", "payee")
    }
    return {**{k: v for k, v in event.items() if k != "resource"}, "resource": resource}


# --- Payment events ----------------------------------------------------------------------------


def _payment_of(resource: dict) -> Payment | None:
    """Our payment for a capture or refund resource: by its order id, else by the capture it
    links "up" to (refund resources)."""
    related = (resource.get("supplementary_data") or {}).get("related_ids") or {}
    order_id = str(related.get("order_id") or "")
    if order_id:
        return Payment.objects.filter(order_id=order_id).first()
    capture_id = str(related.get("capture_id") or "")
    for link in resource.get("links") or []:
        if (
            isinstance(link, dict)
            and link.get("rel") == "up"
            and "/captures/" in str(link.get("href"))
        ):
            capture_id = str(link["href"]).rstrip("/").rsplit("/", 1)[-1]
    return Payment.objects.filter(capture_id=capture_id).first() if capture_id else None


def _capture_completed(event: dict) -> str:
    payment = _payment_of(event["resource"])
    if payment is None:
        return "ignored: no payment of ours"
    if payment.status != PaymentStatus.CREATED and payment.status != PaymentStatus.PENDING:
        return "already captured" if payment.capture_id else f"ignored: payment {payment.status}"
    try:
        payment_capture(order_id=payment.order_id)
    except PaymentRefused as error:
        return f"not captured: {error}"
    return "captured"


def _capture_denied(event: dict) -> str:
    payment = _payment_of(event["resource"])
    if payment is None:
        return "ignored: no payment of ours"
    # Read the truth from PayPal: the event says who sent it, not that it is still so.
    order = provider_for(payment.provider).get_order(payment.order_id)
    if order.capture_status not in ("DECLINED", "FAILED"):
        return f"ignored: capture is {order.capture_status or 'unknown'} at PayPal"
    payment_fail(payment=payment, reason="payment denied by PayPal")
    return "payment failed"


def _capture_refunded(event: dict) -> str:
    resource = event["resource"]
    payment = _payment_of(resource)
    if payment is None:
        return "ignored: no payment of ours"
    order = provider_for(payment.provider).get_order(payment.order_id)
    if order.capture_status not in ("REFUNDED", "PARTIALLY_REFUNDED"):
        return f"ignored: capture is {order.capture_status or 'unknown'} at PayPal"
    refund_id = str(resource.get("id") or "")
    amount = _money(resource.get("amount"))
    breakdown = resource.get("seller_payable_breakdown") or {}
    fees = breakdown.get("platform_fees") or []
    if not refund_id or amount is None:
        return "ignored: no refund id or amount"
    refund = refund_record_external(
        payment=payment,
        refund_id=refund_id[:64],
        amount=amount,
        currency=str((resource.get("amount") or {}).get("currency_code", "")),
        paypal_fee=_money(breakdown.get("paypal_fee")),
        platform_fee=sum((_money(f.get("amount")) or Decimal("0") for f in fees), Decimal("0"))
        if fees
        else None,
        completed=resource.get("status", "COMPLETED") == "COMPLETED",
    )
    return "refund recorded" if refund is not None else "refused: refund does not fit the payment"


def _capture_reversed(event: dict) -> str:
    payment = _payment_of(event["resource"])
    if payment is None:
        return "ignored: no payment of ours"
    provider_for(payment.provider).get_order(payment.order_id)  # PayPal still knows it: not forged
    payment_reverse(payment=payment)
    return "reversal recorded; staff told"


def _money(value) -> Decimal | None:
    if not isinstance(value, dict):
        return None
    try:
        return Decimal(str(value.get("value"))).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError):
        return None


register_event_handler("PAYMENT.CAPTURE.COMPLETED", _capture_completed)
register_event_handler("PAYMENT.CAPTURE.DENIED", _capture_denied)
register_event_handler("PAYMENT.CAPTURE.DECLINED", _capture_denied)
register_event_handler("PAYMENT.CAPTURE.REFUNDED", _capture_refunded)
register_event_handler("PAYMENT.CAPTURE.REVERSED", _capture_reversed)
