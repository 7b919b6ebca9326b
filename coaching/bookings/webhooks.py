"""POST /webhooks/paypal/: PayPal tells us what happened to a payment.

Nothing in the body is trusted: the signature is checked with PayPal first, stale deliveries
are refused, and the order is read again from PayPal before our state changes. Each event is
stored once; a repeated delivery is answered 200 without doing anything twice. When handling
fails for a reason that may pass (PayPal unreachable), nothing is stored and we answer 503 so
that PayPal delivers again.
"""

from __future__ import annotations

import json
import logging

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from coaching.bookings import paypal
from coaching.bookings.models import (
    Actor,
    BookingState,
    Payment,
    PaymentStatus,
    WebhookEvent,
)
from coaching.bookings.services import BookingError, booking_capture
from coaching.bookings.signals import payment_problem, send_on_commit
from coaching.bookings.states import transition

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def paypal_webhook(request: HttpRequest) -> HttpResponse:
    event = _event_from(request.body)
    if event is None:
        return JsonResponse({"error": "malformed event"}, status=400)
    event_id, event_type, resource = event["id"], event["event_type"], event["resource"]
    if not paypal.webhook_is_fresh(request.headers.get("PAYPAL-TRANSMISSION-TIME", "")):
        return JsonResponse({"error": "stale or missing transmission time"}, status=400)
    if not paypal.gateway().verify_webhook(headers=request.headers, body=request.body):
        return JsonResponse({"error": "signature not verified"}, status=400)
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
            stored.outcome = _handle(event_type, resource)[:255]
            stored.processed_at = timezone.now()
            stored.save(update_fields=["outcome", "processed_at"])
    except IntegrityError:  # the same event, delivered twice at once
        return JsonResponse({"status": "duplicate"})
    except paypal.PaymentError as error:
        logger.warning("paypal webhook %s not handled yet: %s", event_type, error.code)
        return JsonResponse({"error": "try again later"}, status=503)
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
    supplementary = resource.get("supplementary_data", {}) if isinstance(resource, dict) else None
    related = supplementary.get("related_ids", {}) if isinstance(supplementary, dict) else None
    if not isinstance(related, dict):
        return None
    return {**event, "resource": resource}


def _handle(event_type: str, resource: dict) -> str:
    order_id = _order_id(resource)
    payment = (
        Payment.objects.select_related("booking").filter(order_id=order_id).first()
        if order_id
        else None
    )
    if payment is None:
        return "ignored: no payment of ours"
    booking = payment.booking
    if event_type == "PAYMENT.CAPTURE.COMPLETED":
        if payment.status == PaymentStatus.CAPTURED:
            return "already captured"
        try:
            booking_capture(booking=booking, order_id=order_id, role=Actor.SYSTEM)
        except BookingError as error:
            return f"not confirmed: {error}"
        return "captured and confirmed"

    # Everything else changes money we already hold: read the truth from PayPal first.
    order = paypal.gateway().get_order(order_id)
    status = order.capture_status
    if event_type in ("PAYMENT.CAPTURE.DENIED", "PAYMENT.CAPTURE.DECLINED") and status in (
        "DECLINED",
        "FAILED",
    ):
        Payment.objects.filter(pk=payment.pk).update(status=PaymentStatus.FAILED)
        if booking.state == BookingState.HELD:
            transition(booking, BookingState.ABANDONED, reason="payment denied by PayPal")
        return "payment failed"
    if event_type == "PAYMENT.CAPTURE.REFUNDED" and status in ("REFUNDED", "PARTIALLY_REFUNDED"):
        if payment.status not in (PaymentStatus.REFUNDED, PaymentStatus.PARTIALLY_REFUNDED):
            Payment.objects.filter(pk=payment.pk).update(
                status=PaymentStatus.REFUNDED
                if status == "REFUNDED"
                else PaymentStatus.PARTIALLY_REFUNDED
            )
            send_on_commit(payment_problem, booking=booking, problem="refunded at PayPal")
        return "refund recorded"
    if event_type == "PAYMENT.CAPTURE.REVERSED":
        Payment.objects.filter(pk=payment.pk).update(status=PaymentStatus.REVERSED)
        send_on_commit(payment_problem, booking=booking, problem="payment reversed")
        return "reversal recorded; staff told"
    return f"ignored: {event_type} with capture {status or 'unknown'}"


def _order_id(resource: dict) -> str:
    related = (resource.get("supplementary_data") or {}).get("related_ids") or {}
    return str(related.get("order_id") or "")


def _without_personal_data(event: dict) -> dict:
    """Keep what explains the event; drop payer and payee details (names, e-mails, addresses)."""
    resource = {
        k: v for k, v in (event.get("resource") or {}).items() if k not in ("payer", "payee")
    }
    return {**{k: v for k, v in event.items() if k != "resource"}, "resource": resource}
