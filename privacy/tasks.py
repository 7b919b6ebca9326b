import logging

from celery import shared_task
from django.db import transaction

from privacy import data_requests, retention
from privacy.models import DataExport, ErasureRequest, SupportRequest
from privacy.notifications import erasure_done_mail
from privacy.processors_erasure import processor_erasure_run, processor_erasures_due
from privacy.services import (
    account_erasure_complete,
    data_export_build,
    data_exports_expire,
    privacy_jobs_resume_stalled,
    support_request_deliver,
    support_requests_deliver_stalled,
)
from privacy.signals import data_export_ready
from sofadoc.events import event_send

logger = logging.getLogger(__name__)


@shared_task(name="privacy.build_data_export")
def build_data_export(export_pk: int) -> None:
    with transaction.atomic(durable=True):
        export = (
            DataExport.objects.select_for_update(skip_locked=True)
            .filter(pk=export_pk, state=DataExport.State.PENDING)
            .select_related("user")
            .first()
        )
        if export is None:
            return  # already built, or another worker has it
        try:
            with transaction.atomic():
                data_export_build(export=export)
        except Exception:
            # Nothing half-built is kept (the savepoint rolled back); the person sees "Failed"
            # on the export page and can ask again, and staff find the traceback in the log.
            logger.exception("data export %s failed", export_pk)
            DataExport.objects.filter(pk=export_pk).update(state=DataExport.State.FAILED)
            return
    # After the commit: the person is told only of a file that really is stored.
    event_send(data_export_ready, sender="privacy", export=export)


@shared_task(name="privacy.erase_account")
def erase_account(erasure_pk: int) -> None:
    """Runs the erasure step by step (each step commits); safe to run again after a crash."""

    erasure = ErasureRequest.objects.filter(pk=erasure_pk).first()
    if erasure is None:
        return
    recipient = account_erasure_complete(erasure=erasure)
    if recipient:
        # The address lives on only in the confirmation's delivery row, which blanks it once the
        # mail is out.
        erasure_done_mail(erasure_pk=erasure.pk, address=recipient[0], language=recipient[1])


@shared_task(name="privacy.expire_data_exports")
def expire_data_exports() -> int:
    with transaction.atomic(durable=True):
        return data_exports_expire()


@shared_task(name="privacy.resume_stalled_jobs")
def resume_stalled_jobs() -> int:
    """Exports and erasures whose task was lost are queued again; support requests whose task
    was lost or gave up are delivered (every ten minutes)."""

    return privacy_jobs_resume_stalled() + support_requests_deliver_stalled()


@shared_task(
    name="privacy.deliver_support_request",
    autoretry_for=(Exception,),
    retry_backoff=30,
    max_retries=8,
)
def deliver_support_request(request_pk: int) -> None:
    with transaction.atomic(durable=True):
        item = SupportRequest.objects.select_for_update().filter(pk=request_pk).first()
        if item is not None:
            support_request_deliver(item=item)


@shared_task(name="privacy.erase_at_processor")
def erase_at_processor(job_pk: int) -> bool:
    """One attempt to have a processor delete its copy; a failure waits for the retry scan."""

    return processor_erasure_run(job_pk=job_pk)


@shared_task(name="privacy.retry_processor_erasures")
def retry_processor_erasures() -> int:
    """The safety net: every due attempt (failed before, or its task lost) runs again."""

    # One failing processor must not stall the others: each job runs and records on its own.
    return sum(processor_erasure_run(job_pk=pk) for pk in processor_erasures_due())


@shared_task(name="privacy.data_requests_alert")
def data_requests_alert() -> dict[str, int]:
    return data_requests.data_requests_alert()


@shared_task(name="privacy.retention_enforce")
def retention_enforce() -> dict[str, int]:
    return retention.retention_enforce().report
