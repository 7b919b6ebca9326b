"""Erasure leaves nothing behind: the whole database (every text-like column PostgreSQL's catalogue
lists), Redis and the stored files are searched for canary values after a client and a coach who
used everything erased their accounts. What the law makes us keep is allowed only in the columns
and rows marked restricted."""

import pytest
from django.apps import apps
from django.utils import timezone

from coaching.bookings.models import BookingEvent
from coaching.notifications.models import Notification
from coaching.notifications.tasks import deliver
from privacy.models import ConsentRecord, ErasureRequest, ProcessorErasure, RestrictedRecord
from privacy.scan import Finding, database_scan, files_scan, redis_scan, storage_roots
from privacy.services import account_erasure_request
from privacy.tasks import erase_account, retry_processor_erasures
from tests.privacy.canary import (
    CLIENT,
    COACH,
    TWILIO_MESSAGES,
    TWILIO_SID,
    ZENDESK,
    canary_world,
    fake_processors,
    fill_canaries,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def processors(settings, paypal):
    """Zendesk and Twilio configured, faked on the same `responses` mock as PayPal."""
    settings.ZENDESK_SUBDOMAIN = "sofadoc-sandbox"
    settings.ZENDESK_EMAIL = "support@sofadoc.example"
    settings.ZENDESK_API_TOKEN = "zd-token"
    settings.SMS_MODE = "twilio"
    settings.TWILIO_ACCOUNT_SID = TWILIO_SID
    settings.TWILIO_AUTH_TOKEN = "tw-token"
    fake_processors(paypal.mock)
    return paypal.mock


def _restricted_cells() -> set[tuple[str, str, str]]:
    """(table.column, primary key) pairs the law lets us keep, as marked at erasure."""
    cells = set()
    for record in RestrictedRecord.objects.filter(released_at__isnull=True):
        table = apps.get_model(record.model_label)._meta.db_table
        cells |= {(f"{table}.{column}", record.object_id) for column in record.fields}
    return cells


def leftovers(canary) -> list[Finding]:
    allowed = _restricted_cells()
    found = [f for f in database_scan(needles=canary.needles) if (f.where, f.key) not in allowed]
    return (
        found
        + redis_scan(needles=canary.needles)
        + files_scan(needles=canary.needles, roots=storage_roots())
    )


def _erase(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        erasure = account_erasure_request(user=user)
    erase_account.apply(args=[erasure.pk])
    retry_processor_erasures.apply()  # the scan runs what the queued tasks would
    # The confirmation to the former address is a row of the delivery log until the worker
    # has sent it; then the row forgets the address.
    [confirmation] = Notification.objects.filter(kind="erasure_done")
    assert deliver.apply(args=[confirmation.pk]).get() == "sent"
    return ErasureRequest.objects.get(pk=erasure.pk)


@pytest.mark.parametrize("who", ["client", "coach"])
def test_erasure_leaves_no_canary_in_any_column_key_or_file(
    who, client, paypal, frozen, processors, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_user, coach = canary_world(paypal)
    # Pages in the visitor cache (Redis) name the coach.
    for path in ["/coaches/", "/coaches/praxis-canary/", "/"]:
        assert client.get(path).status_code == 200
    assert redis_scan(needles=COACH.needles), "the page cache holds the coach's name"
    client = client_user
    person, canary = (client, CLIENT) if who == "client" else (coach, COACH)
    filled = fill_canaries(person, canary)
    assert len(filled) >= 12, filled
    before = database_scan(needles=canary.needles)
    assert {f.where for f in before} >= {
        "bookings_bookingevent.reason",
        "privacy_supportrequest.message",
        "usersessions_usersession.ip",
    }
    assert files_scan(needles=canary.needles, roots=storage_roots()), "the export names them"

    erasure = _erase(person, django_capture_on_commit_callbacks)

    assert erasure.state == ErasureRequest.State.DONE
    problems = leftovers(canary)
    assert problems == [], "\n".join(map(str, problems))
    # The other person keeps their own data.
    other = CLIENT if who == "coach" else COACH
    assert database_scan(needles=[other.email])


def test_a_coachs_receipts_are_kept_restricted_with_the_issuer_only(
    paypal, frozen, processors, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _client, coach = canary_world(paypal)
    _erase(coach, django_capture_on_commit_callbacks)

    marks = list(RestrictedRecord.objects.all())
    assert {m.model_label for m in marks} == {"billing.Document", "billing.DocumentLine"}
    for mark in marks:
        expected = (
            ["issuer_name", "issuer_address", "issuer_tax_number", "issuer_vat_id"]
            if mark.model_label == "billing.Document"
            else ["description"]
        )
        assert mark.fields == expected
        assert "§ 147 AO" in mark.basis
        assert mark.keep_until == timezone.now().date().replace(year=2034, month=12, day=31)
    kept = {f.where for f in database_scan(needles=COACH.needles)}
    assert kept == {
        "billing_document.issuer_name",
        "billing_document.issuer_address",
        "billing_documentline.description",
    }


def test_cancel_reasons_typed_by_people_leave_the_audit_trail(
    paypal, frozen, processors, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client, _coach = canary_world(paypal)
    _erase(client, django_capture_on_commit_callbacks)
    reasons = set(BookingEvent.objects.values_list("reason", flat=True))
    assert "held" in reasons and "paid" in reasons  # the system's words stay
    assert not any(CLIENT.last in r for r in reasons)


def test_erasure_ends_every_consent_under_the_same_pseudonym_and_version(
    paypal, frozen, processors, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client, _coach = canary_world(paypal)
    granted = {
        (r.pseudonym, r.purpose, r.document_id)
        for r in ConsentRecord.objects.filter(subject=client, granted=True)
        if r.purpose != "age_18"
    }
    assert len(granted) == 5  # terms, privacy, news, statistics and marketing cookies
    _erase(client, django_capture_on_commit_callbacks)
    ended = {
        (r.pseudonym, r.purpose, r.document_id)
        for r in ConsentRecord.objects.filter(source="erasure", granted=False)
    }
    assert ended == granted
    assert not ConsentRecord.objects.filter(
        subject__isnull=False, pseudonym__in=[g[0] for g in granted]
    ).exists()


def test_processors_are_asked_to_delete_with_exactly_these_calls(
    paypal, frozen, processors, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client, _coach = canary_world(paypal)
    processors.calls.reset()
    erasure = _erase(client, django_capture_on_commit_callbacks)

    sent = [
        (
            c.request.method,
            c.request.url.split("?")[0],
            c.request.params.get("query") or c.request.params.get("To"),
        )
        for c in processors.calls
        if "zendesk" in c.request.url or "twilio" in c.request.url
    ]
    ticket = ProcessorErasure.objects.get(processor="zendesk").calls
    assert sent == [
        ("GET", f"{ZENDESK}/api/v2/users/search.json", CLIENT.email),
        ("GET", f"{ZENDESK}/api/v2/users/501/tickets/requested.json", None),
        ("DELETE", f"{ZENDESK}/api/v2/tickets/9001.json", None),
        ("DELETE", f"{ZENDESK}/api/v2/deleted_tickets/9001.json", None),
        ("DELETE", f"{ZENDESK}/api/v2/tickets/9500.json", None),
        ("DELETE", f"{ZENDESK}/api/v2/deleted_tickets/9500.json", None),
        ("DELETE", f"{ZENDESK}/api/v2/users/501.json", None),
        ("DELETE", f"{ZENDESK}/api/v2/deleted_users/501.json", None),
        ("GET", f"{TWILIO_MESSAGES}.json", CLIENT.phone),
        ("DELETE", f"{TWILIO_MESSAGES}/SM{'0101'.rjust(32, '0')}.json", None),
    ], ticket
    jobs = ProcessorErasure.objects.filter(erasure=erasure)
    assert {j.processor: j.state for j in jobs} == {"zendesk": "done", "twilio_sms": "done"}
    assert all(j.lookup == "" and j.calls for j in jobs)
