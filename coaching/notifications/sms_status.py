"""What Twilio tells us back about texts: delivery status, and numbers that opted out."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from coaching.notifications import sms
from coaching.notifications.models import (
    MAX_ATTEMPTS,
    Notification,
    Preferences,
    Status,
)

logger = logging.getLogger(__name__)


def sms_opt_out(*, phone: str) -> int:
    """STOP reply or Twilio 21610: never text this number again until it is confirmed anew."""
    if not phone:
        return 0
    return Preferences.objects.filter(user__phone=phone, sms_opted_out_at__isnull=True).update(
        sms_opted_out_at=timezone.now(), sms_reminders=False, sms_booking_messages=False
    )


def sms_status_update(*, sid: str, status: str, error_code: str = "") -> None:
    """Twilio's delivery status callback for a message we sent."""
    failed = status in ("failed", "undelivered")
    with transaction.atomic(durable=True):
        row = Notification.objects.select_for_update().filter(provider_id=sid).first()
        if row is None:
            return
        if failed:
            # The carrier's verdict is final: the scan does not text the person again and again
            # (the e-mail and inbox copies carry the message; staff can resend from the log).
            row.status, row.attempts = Status.FAILED, MAX_ATTEMPTS
            row.reason = f"Twilio {status} {error_code}".strip()[:255]
            if error_code == str(sms.OPTED_OUT):
                row.status = Status.SKIPPED
                sms_opt_out(phone=row.person.phone)
            row.save(update_fields=["status", "reason", "attempts"])
