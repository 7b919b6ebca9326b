"""The request register: every access, correction, erasure or withdrawal request, however it came
in, with its deadline (Art. 12 (3) GDPR) and the alerts that keep staff on it."""

from __future__ import annotations

import datetime
import logging
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from privacy.models import DataRequest
from privacy.pseudonyms import user_pseudonym
from sofadoc.mail import mail_queue

if TYPE_CHECKING:
    from sofadoc.accounts.models import User

logger = logging.getLogger(__name__)

WARN_DAYS_BEFORE = 7


def data_request_self_service(*, user: User, kind: str) -> DataRequest:
    """A request made on the site (export, account deletion): registered once per day and kind."""

    item, _created = DataRequest.objects.get_or_create(
        kind=kind,
        channel=DataRequest.Channel.SELF_SERVICE,
        requester=user,
        contact="",
        received_on=timezone.localdate(),
        defaults={"pseudonym": user_pseudonym(user.pk)},
    )
    return item


def data_request_answered(*, pseudonym: str, kind: str, answer: str) -> int:
    """Self-service requests are answered by the job that fulfils them (export ready, erasure
    done); found by pseudonym, since an erased person's link is gone by then."""
    return DataRequest.objects.filter(
        pseudonym=pseudonym,
        kind=kind,
        channel=DataRequest.Channel.SELF_SERVICE,
        answered_on__isnull=True,
    ).update(answered_on=timezone.localdate(), answer=answer)


def data_requests_open() -> QuerySet[DataRequest]:
    return DataRequest.objects.filter(answered_on__isnull=True)


def data_requests_overdue(*, today: datetime.date | None = None) -> list[DataRequest]:
    today = today or timezone.localdate()
    return [r for r in data_requests_open().order_by("received_on") if r.is_overdue(today)]


def data_requests_alert(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Mail staff once 7 days before each open request's deadline and once on the day itself
    (or later, should the task have been down). Returns how many of each went out."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = {"warning": 0, "due": 0}
    with transaction.atomic(durable=True):
        for item in data_requests_open().select_for_update(skip_locked=True):
            deadline = item.deadline
            if deadline <= today and item.due_alert_at is None:
                _alert(item, due=True)
                item.due_alert_at = now
                item.warned_at = item.warned_at or now
                item.save(update_fields=["due_alert_at", "warned_at"])
                sent["due"] += 1
            elif (
                deadline - datetime.timedelta(days=WARN_DAYS_BEFORE) <= today
                and item.warned_at is None
            ):
                _alert(item, due=False)
                item.warned_at = now
                item.save(update_fields=["warned_at"])
                sent["warning"] += 1
    return sent


def _alert(item: DataRequest, *, due: bool) -> None:
    """Queued in the transaction that marks the request (sofadoc/mail.py): marked means told.
    The text (templates/notifications/data_request_alert.txt) names nobody: staff open the
    register (behind two factors) to see who asked."""
    mail_queue(
        kind="data_request_alert",
        key=f"datareq:{item.pk}:{'due' if due else 'warning'}",
        address=settings.PRIVACY_REQUESTS_EMAIL,
        language=settings.LANGUAGE_CODE,
    )
