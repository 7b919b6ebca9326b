"""Support requests when Zendesk, the mail server or the broker is down: the request is kept,
the person sees no error, and each request is delivered later on its own."""

import json
from datetime import timedelta

import pytest
import requests
import responses
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from coaching.notifications.models import Notification, Status
from coaching.notifications.tasks import deliver, send_due_reminders
from privacy.models import SupportRequest
from privacy.services import SUPPORT_SCAN_FAILURES
from privacy.support import SupportUnavailable
from privacy.tasks import deliver_support_request, resume_stalled_jobs
from tests.notifications.test_redis_outage import redis_down

pytestmark = pytest.mark.django_db

TICKETS = "https://sofadoc-sandbox.zendesk.com/api/v2/tickets.json"
SUPPORT = {"name": "Ida", "email": "ida@example.org", "subject": "Kamera", "message": "Geht nicht"}


@pytest.fixture
def zendesk(settings):
    settings.ZENDESK_SUBDOMAIN = "sofadoc-sandbox"
    settings.ZENDESK_EMAIL = "agent@sofadoc.com"
    settings.ZENDESK_API_TOKEN = "tok"
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def _requests(count: int, *, minutes_ago: int = 40) -> list[SupportRequest]:
    with time_machine.travel(timezone.now() - timedelta(minutes=minutes_ago), tick=False):
        return [
            SupportRequest.objects.create(**{**SUPPORT, "subject": f"Frage {n}"})
            for n in range(count)
        ]


def _tickets(zendesk, *, down: set[str]):
    """Zendesk refuses connections for tickets whose external id is in `down`."""
    numbers = iter(range(4700, 4800))

    def answer(request):
        if json.loads(request.body)["ticket"]["external_id"] in down:
            raise requests.ConnectionError("Connection refused")
        return 201, {}, json.dumps({"ticket": {"id": next(numbers)}})

    zendesk.reset()
    zendesk.add_callback(responses.POST, TICKETS, callback=answer)


@pytest.mark.parametrize(
    "failure",
    [
        requests.ConnectionError("Connection refused"),
        requests.ReadTimeout("Read timed out. (read timeout=10)"),
        responses.Response(responses.POST, TICKETS, status=503),
        responses.Response(responses.POST, TICKETS, status=429),
    ],
    ids=["refused", "slow", "failing", "throttled"],
)
def test_zendesk_unreachable_leaves_the_request_for_a_retry(zendesk, failure):
    if isinstance(failure, Exception):
        zendesk.add(responses.POST, TICKETS, body=failure)
    else:
        zendesk.add(failure)
    item = SupportRequest.objects.create(**SUPPORT)

    result = deliver_support_request.apply(args=[item.pk])

    # Run in place by apply(), Celery's retries follow at once instead of after a back-off;
    # once they are used up the request stays undelivered for the scan.
    assert result.failed() and isinstance(result.result, SupportUnavailable)
    assert len(zendesk.calls) == deliver_support_request.max_retries + 1
    item.refresh_from_db()
    assert item.delivered_by == ""


def test_the_scan_delivers_each_stalled_request_on_its_own(zendesk):
    first, second, third = _requests(3)
    _tickets(zendesk, down={f"SR-{first.pk}"})

    assert resume_stalled_jobs.apply().get() == 2

    first.refresh_from_db(), second.refresh_from_db(), third.refresh_from_db()
    assert first.delivered_by == ""
    assert (second.delivered_by, third.delivered_by) == ("zendesk", "zendesk")
    assert len(zendesk.calls) == 3

    _tickets(zendesk, down=set())  # Zendesk is back
    assert resume_stalled_jobs.apply().get() == 1
    first.refresh_from_db()
    assert first.delivered_by == "zendesk" and first.zendesk_ticket_id
    assert resume_stalled_jobs.apply().get() == 0  # nothing is sent twice
    assert len(zendesk.calls) == 1


def test_with_zendesk_down_a_scan_stops_asking_after_a_few_tries(zendesk):
    items = _requests(SUPPORT_SCAN_FAILURES + 3)
    _tickets(zendesk, down={f"SR-{item.pk}" for item in items})

    assert resume_stalled_jobs.apply().get() == 0

    assert len(zendesk.calls) == SUPPORT_SCAN_FAILURES  # not one wait per request


def test_the_scan_leaves_fresh_requests_to_their_task_and_old_ones_to_staff(zendesk):
    _requests(1, minutes_ago=5)
    _requests(1, minutes_ago=4 * 24 * 60)
    _tickets(zendesk, down=set())

    assert resume_stalled_jobs.apply().get() == 0
    assert not zendesk.calls


def test_a_mail_server_that_is_down_is_a_retry_of_the_delivery_log_not_a_loss(settings):
    """Without Zendesk, requests are e-mailed through the delivery log: handed over at once,
    the mail itself retried by the notifications scan until the server is back."""
    settings.EMAIL_BACKEND = "tests.notifications.broken_mail.EmailBackend"
    [item] = _requests(1)

    deliver_support_request.apply(args=[item.pk]).get()
    item.refresh_from_db()
    assert item.delivered_by == "email"
    [row] = Notification.objects.filter(kind="support_request", key=f"support:{item.pk}")
    assert row.address == settings.SUPPORT_EMAIL and row.recipient is None
    assert deliver.apply(args=[row.pk]).get() == Status.FAILED
    assert resume_stalled_jobs.apply().get() == 0  # nothing left for privacy's own scan

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_due_reminders.apply().get() == 1
    [message] = mail.outbox
    assert message.to == [settings.SUPPORT_EMAIL] and message.reply_to == [item.email]
    row.refresh_from_db()
    assert (row.status, row.attempts, row.subject) == (Status.SENT, 2, "")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_form_works_while_the_broker_is_down_and_the_scan_delivers_later(client):
    with redis_down():
        response = client.post(reverse("privacy:support"), SUPPORT)
    assert response.status_code == 302
    item = SupportRequest.objects.get()
    assert item.delivered_by == ""

    with time_machine.travel(timezone.now() + timedelta(minutes=31), tick=False):
        assert resume_stalled_jobs.apply().get() == 1
    item.refresh_from_db()
    assert item.delivered_by == "email"
