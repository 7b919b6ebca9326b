"""Telling staff by e-mail (SUPPORT_EMAIL) about money that needs a person: disputes and
reconciliation differences. Queued in the caller's transaction as a row of the delivery log
(sofadoc/mail.py), sent by a worker after commit and retried while the mail server is down;
the record (Dispute, ReconciliationDifference) stays in the admin either way. The words are in
the kinds' templates (templates/notifications/dispute_staff.txt, reconciliation_staff.txt);
the facts go in the payload."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone

from sofadoc.mail import mail_queue


def staff_mail_queue(*, kind: str, facts: dict[str, Any]) -> int:
    """One mail per call (each event is news to staff): the key is the moment."""
    return mail_queue(
        kind=kind,
        key=f"{kind[:8]}:{timezone.now():%Y%m%d%H%M%S%f}",
        address=settings.SUPPORT_EMAIL,
        language=settings.LANGUAGE_CODE,
        payload=facts,
    )
