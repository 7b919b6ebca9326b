"""Support requests (policy § 6): stored, delivered to Zendesk or by e-mail after commit,
and delivered by a scan when their task was lost or gave up."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from privacy import support
from privacy.models import SupportRequest
from privacy.services.jobs import JOB_STALLED_AFTER_MINUTES
from sofadoc.queue import task_enqueue_on_commit

if TYPE_CHECKING:
    from sofadoc.accounts.models import User

logger = logging.getLogger(__name__)


def support_request_submit(
    *, user: User | None, name: str, email: str, subject: str, message: str
) -> SupportRequest:
    """Store the request (policy § 6: kept to answer it) and deliver it after commit."""

    item = SupportRequest.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        name=name,
        email=email,
        subject=subject,
        message=message,
    )

    task_enqueue_on_commit("privacy.deliver_support_request", item.pk)
    return item


def support_request_deliver(*, item: SupportRequest) -> None:
    if item.delivered_by:
        return  # idempotent: delivered before
    delivery = support.deliver(
        name=item.name,
        email=item.email,
        subject=item.subject,
        message=item.message,
        reference=f"SR-{item.pk}",
        request_pk=item.pk,
    )
    item.delivered_by = delivery.channel
    item.zendesk_ticket_id = delivery.ticket_id
    item.save(update_fields=["delivered_by", "zendesk_ticket_id"])


# A support request whose task was lost (the broker was down) or gave up (Zendesk or the mail
# server was down longer than its retries) is delivered by the scan. Older ones are left to
# staff, who see them undelivered in the admin.
SUPPORT_SCAN_DAYS = 3
# After this many unreachable answers the scan stops (each can wait support.TIMEOUT); the next
# scan goes on.
SUPPORT_SCAN_FAILURES = 3


def support_requests_deliver_stalled(*, now: datetime | None = None) -> int:
    """Deliver undelivered support requests older than JOB_STALLED_AFTER_MINUTES, oldest first,
    each in its own transaction: one that fails is logged and left for the next scan, the
    others are delivered. Returns how many were delivered."""

    now = now or timezone.now()
    stalled = SupportRequest.objects.filter(
        delivered_by="",
        created_at__lte=now - timedelta(minutes=JOB_STALLED_AFTER_MINUTES),
        created_at__gte=now - timedelta(days=SUPPORT_SCAN_DAYS),
    ).order_by("created_at", "pk")
    delivered = unreachable = 0
    for pk in list(stalled.values_list("pk", flat=True)[:100]):
        if unreachable >= SUPPORT_SCAN_FAILURES:
            break
        try:
            with transaction.atomic(durable=True):
                # A task delivering it right now holds the row: skip it rather than wait.
                item = (
                    SupportRequest.objects.select_for_update(skip_locked=True)
                    .filter(pk=pk, delivered_by="")
                    .first()
                )
                if item is not None:
                    support_request_deliver(item=item)
                    delivered += 1
        except support.SupportUnavailable as error:
            unreachable += 1
            logger.warning("support request %s not delivered, next scan: %s", pk, error)
        except support.SupportDeliveryError as error:
            logger.error("support request %s refused by Zendesk: %s", pk, error)
    return delivered
