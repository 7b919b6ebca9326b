"""Processors are asked to delete too: a durable job per processor, retried until it succeeds."""

import datetime
import re

import pytest
import responses
import time_machine
from django.urls import reverse
from django.utils import timezone

from privacy.models import ErasureRequest, ProcessorErasure, SupportRequest
from privacy.services import account_erasure_request
from privacy.tasks import erase_account, erase_at_processor, retry_processor_erasures
from sofadoc.accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ZENDESK = "https://sofadoc-sandbox.zendesk.com"
EMAIL = "ida.gone@example.org"


@pytest.fixture
def zendesk(settings):
    settings.ZENDESK_SUBDOMAIN = "sofadoc-sandbox"
    settings.ZENDESK_EMAIL = "support@sofadoc.example"
    settings.ZENDESK_API_TOKEN = "zd-token"
    with responses.RequestsMock() as mock:
        yield mock


def _leaver():
    user = UserFactory(email=EMAIL)
    SupportRequest.objects.create(
        user=user, name="Ida", email=EMAIL, subject="s", message="m", zendesk_ticket_id="77"
    )
    return user


def test_zendesk_down_retries_later_while_the_account_is_gone_at_once(
    zendesk, django_capture_on_commit_callbacks
):
    user = _leaver()
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        with django_capture_on_commit_callbacks(execute=False):
            erasure = account_erasure_request(user=user)
        zendesk.get(f"{ZENDESK}/api/v2/users/search.json", status=503)
        erase_account.apply(args=[erasure.pk])
        job = ProcessorErasure.objects.get(erasure=erasure)
        assert erase_at_processor.apply(args=[job.pk]).get() is False

    assert not User.objects.filter(pk=user.pk).exists()
    assert ErasureRequest.objects.get(pk=erasure.pk).state == "done"
    job.refresh_from_db()
    assert job.state == "pending" and job.attempts == 1 and job.lookup == EMAIL
    assert "503" in job.last_error
    assert job.next_attempt_at == now + datetime.timedelta(minutes=1)
    assert job.calls[-1].endswith("GET /api/v2/users/search.json → 503")

    with time_machine.travel(now + datetime.timedelta(seconds=30), tick=False):
        assert retry_processor_erasures.apply().get() == 0  # not due yet: no call

    zendesk.replace(
        responses.GET,
        f"{ZENDESK}/api/v2/users/search.json",
        json={"users": [{"id": 5, "email": EMAIL}, {"id": 6, "email": "other@example.org"}]},
        match=[responses.matchers.query_param_matcher({"query": EMAIL})],
    )
    zendesk.get(f"{ZENDESK}/api/v2/users/5/tickets/requested.json", json={"tickets": []})
    # A ticket deleted by the first, lost attempt answers 404: already gone counts as done.
    zendesk.delete(f"{ZENDESK}/api/v2/tickets/77.json", status=404)
    zendesk.delete(f"{ZENDESK}/api/v2/deleted_tickets/77.json", status=204)
    zendesk.delete(f"{ZENDESK}/api/v2/users/5.json", json={"user": {"id": 5}})
    zendesk.delete(f"{ZENDESK}/api/v2/deleted_users/5.json", json={"deleted_user": {"id": 5}})
    with time_machine.travel(now + datetime.timedelta(minutes=2), tick=False):
        assert retry_processor_erasures.apply().get() == 1

    job.refresh_from_db()
    assert job.state == "done" and job.lookup == "" and job.attempts == 2
    deletes = [c.request.url for c in zendesk.calls if c.request.method == "DELETE"]
    assert deletes == [
        f"{ZENDESK}/api/v2/tickets/77.json",
        f"{ZENDESK}/api/v2/deleted_tickets/77.json",
        f"{ZENDESK}/api/v2/users/5.json",
        f"{ZENDESK}/api/v2/deleted_users/5.json",
    ]
    for call in zendesk.calls:
        assert call.request.headers["Authorization"].startswith("Basic ")
    assert retry_processor_erasures.apply().get() == 0  # done: never again


def test_nothing_is_asked_of_processors_that_are_not_configured(settings):
    settings.ZENDESK_SUBDOMAIN = ""
    settings.SMS_MODE = "twin"
    user = _leaver()
    erasure = account_erasure_request(user=user)
    with responses.RequestsMock() as mock:
        erase_account.apply(args=[erasure.pk])
        assert len(mock.calls) == 0
    assert not ProcessorErasure.objects.exists()


def test_staff_see_the_job_with_its_calls_and_can_retry(staff_client, zendesk):
    user = _leaver()
    erasure = account_erasure_request(user=user)
    zendesk.get(re.compile(rf"{ZENDESK}/.*"), status=500)
    erase_account.apply(args=[erasure.pk])
    job = ProcessorErasure.objects.get()
    retry_processor_erasures.apply()

    listing = staff_client.get(reverse("admin:privacy_processorerasure_changelist"))
    assert listing.status_code == 200 and "zendesk" in listing.content.decode()
    page = staff_client.get(reverse("admin:privacy_processorerasure_change", args=[job.pk]))
    assert "/api/v2/users/search.json → 500" in page.content.decode()
    response = staff_client.post(
        reverse("admin:privacy_processorerasure_changelist"),
        {"action": "retry_now", "_selected_action": [job.pk]},
    )
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.attempts == 2 and job.state == "pending"
