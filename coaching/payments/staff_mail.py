"""Telling staff by e-mail (SUPPORT_EMAIL) about money that needs a person: disputes and
reconciliation differences. Sent after commit; a mail server that fails is logged, and the
record (Dispute, ReconciliationDifference) stays in the admin either way."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

logger = logging.getLogger(__name__)


def staff_mail_on_commit(*, subject: str, body: str) -> None:
    def send() -> None:
        try:
            send_mail(
                subject=f"[SofaDoc] {subject}",
                message=body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[settings.SUPPORT_EMAIL],
            )
        except Exception:
            logger.exception("staff e-mail %r not sent", subject)

    transaction.on_commit(send)
