"""Exports and erasures whose task was lost: a data export or erasure is a row in PostgreSQL
plus a task in Redis. Should Redis lose the task (a flush, a failover to an empty replica),
nothing else would ever pick the row up; the scan here queues it again."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from privacy.models import DataExport, ErasureRequest
from sofadoc.queue import task_enqueue

JOB_STALLED_AFTER_MINUTES = 30


def privacy_jobs_resume_stalled(*, now: datetime | None = None) -> int:
    """Queue again the exports and erasures still pending long after they were asked for
    (support requests are delivered by support_requests_deliver_stalled, one by one).

    A duplicate is harmless: the export task locks its row and builds only a pending export;
    the erasure resumes step by step and stops at once for a request that is done. The delay
    is far longer than either job takes, so normally the original task has finished."""

    cutoff = (now or timezone.now()) - timedelta(minutes=JOB_STALLED_AFTER_MINUTES)
    exports = list(
        DataExport.objects.filter(
            state=DataExport.State.PENDING, created_at__lte=cutoff
        ).values_list("pk", flat=True)
    )
    erasures = list(
        ErasureRequest.objects.filter(
            state=ErasureRequest.State.PENDING, requested_at__lte=cutoff
        ).values_list("pk", flat=True)
    )
    for pk in exports:
        task_enqueue("privacy.build_data_export", pk)
    for pk in erasures:
        task_enqueue("privacy.erase_account", pk)
    return len(exports) + len(erasures)
