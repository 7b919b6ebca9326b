"""Asking processors to delete an erased person's copies: the durable job around each request,
and Zendesk's part (Twilio's lives with the SMS code in coaching/notifications).

Zendesk keeps tickets and their requester. Erasure deletes the tickets (soft, then permanently:
DELETE /api/v2/tickets/{id}, DELETE /api/v2/deleted_tickets/{id}) and then the user (DELETE
/api/v2/users/{id}, DELETE /api/v2/deleted_users/{id}). A 404 means already gone: the job may
be retried at any step without harm.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import requests
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from privacy.models import ErasureRequest, ProcessorErasure, SupportRequest
from privacy.registry import (
    ProcessorCall,
    ProcessorEraser,
    processor_erasers,
    register_processor_eraser,
)
from privacy.support import TIMEOUT, zendesk_configured
from sofadoc.queue import task_enqueue_on_commit

if TYPE_CHECKING:
    from sofadoc.accounts.models import User

logger = logging.getLogger(__name__)

ZENDESK = "zendesk"
# Backoff between attempts: 1, 2, 4 … minutes, at most six hours; never given up (staff see it).
RETRY_MAX = timedelta(hours=6)


class ProcessorError(Exception):
    pass


# --- The job ------------------------------------------------------------------------------------
def processor_erasures_create(*, erasure: ErasureRequest, user: User) -> list[ProcessorErasure]:
    """Record, while the person still exists, which processors must delete what. Runs in the
    erasure's first step; the jobs are queued after commit."""

    jobs: list[ProcessorErasure] = []
    for name, eraser in processor_erasers().items():
        found = eraser.collect(user)
        if found is None:
            continue
        lookup, known_ids = found
        job, _created = ProcessorErasure.objects.get_or_create(
            erasure=erasure,
            processor=name,
            defaults={"lookup": lookup, "known_ids": known_ids, "next_attempt_at": timezone.now()},
        )
        jobs.append(job)
    for job in jobs:
        task_enqueue_on_commit("privacy.erase_at_processor", job.pk)
    return jobs


def processor_erasure_run(*, job_pk: int, now: datetime | None = None) -> bool:
    """One attempt. Locks the row (a second worker skips it); returns True when done."""
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        job = (
            ProcessorErasure.objects.select_for_update(skip_locked=True)
            .filter(pk=job_pk, state=ProcessorErasure.State.PENDING)
            .first()
        )
        if job is None:
            return False
        eraser = processor_erasers().get(job.processor)
        calls: list[str] = []

        def call(method: str, url: str, status: int | str) -> None:
            calls.append(f"{now:%Y-%m-%d %H:%M:%S} {method} {url} → {status}")

        job.attempts += 1
        try:
            if eraser is None:
                raise ProcessorError(f"no eraser registered for {job.processor}")
            eraser.erase(lookup=job.lookup, known_ids=job.known_ids, call=call)
        except Exception as error:  # any failure: recorded, retried later, never lost
            logger.warning("processor erasure %s (%s) failed: %s", job.pk, job.processor, error)
            job.last_error = f"{type(error).__name__}: {error}"[:255]
            job.next_attempt_at = now + min(timedelta(minutes=2 ** (job.attempts - 1)), RETRY_MAX)
            done = False
        else:
            job.state = ProcessorErasure.State.DONE
            job.completed_at = now
            job.lookup = ""  # the last identifier we held: gone with the processor's copy
            job.last_error = ""
            job.next_attempt_at = None
            done = True
        job.calls = [*job.calls, *calls]
        job.save()
    return done


def processor_erasures_due(*, now: datetime | None = None) -> list[int]:
    now = now or timezone.now()
    return list(
        ProcessorErasure.objects.filter(
            state=ProcessorErasure.State.PENDING, next_attempt_at__lte=now
        ).values_list("pk", flat=True)
    )


# --- Zendesk ------------------------------------------------------------------------------------
def _zendesk(method: str, path: str, call: ProcessorCall, **kwargs: Any) -> requests.Response:
    url = f"https://{settings.ZENDESK_SUBDOMAIN}.zendesk.com{path}"
    try:
        response = requests.request(
            method,
            url,
            auth=(f"{settings.ZENDESK_EMAIL}/token", settings.ZENDESK_API_TOKEN),
            timeout=TIMEOUT,
            **kwargs,
        )
    except requests.RequestException as error:
        call(method, path, type(error).__name__)
        raise ProcessorError(f"Zendesk unreachable: {error}") from error
    call(method, path, response.status_code)
    if response.status_code >= 400 and not (method == "DELETE" and response.status_code == 404):
        raise ProcessorError(f"Zendesk answered {response.status_code} to {method} {path}")
    return response


def zendesk_collect(user: User) -> tuple[str, list[str]] | None:
    if not zendesk_configured():
        return None

    tickets = (
        SupportRequest.objects.filter(user=user)
        .exclude(zendesk_ticket_id="")
        .values_list("zendesk_ticket_id", flat=True)
    )
    more = SupportRequest.objects.filter(email__iexact=user.email).exclude(zendesk_ticket_id="")
    ids = sorted({*tickets, *more.values_list("zendesk_ticket_id", flat=True)}, key=int)
    # Asked even without a stored request: people also write to the support address directly.
    return user.email, ids


def zendesk_erase(*, lookup: str, known_ids: list[str], call: ProcessorCall) -> None:
    users = []
    if lookup:
        found = _zendesk("GET", "/api/v2/users/search.json", call, params={"query": lookup})
        users = [
            u["id"]
            for u in found.json().get("users", [])
            if (u.get("email") or "").lower() == lookup.lower()
        ]
    tickets = {str(t) for t in known_ids}
    for user_id in users:
        requested = _zendesk("GET", f"/api/v2/users/{user_id}/tickets/requested.json", call)
        tickets |= {str(t["id"]) for t in requested.json().get("tickets", [])}
    for ticket_id in sorted(tickets, key=int):
        _zendesk("DELETE", f"/api/v2/tickets/{ticket_id}.json", call)
        _zendesk("DELETE", f"/api/v2/deleted_tickets/{ticket_id}.json", call)
    for user_id in users:
        _zendesk("DELETE", f"/api/v2/users/{user_id}.json", call)
        _zendesk("DELETE", f"/api/v2/deleted_users/{user_id}.json", call)


register_processor_eraser(ProcessorEraser(ZENDESK, collect=zendesk_collect, erase=zendesk_erase))
