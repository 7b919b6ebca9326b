"""What payments announces after commit (billing and notifications listen), and the registries
through which other apps plug in: webhook event handlers and purchase kinds."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from coaching.payments.models import LedgerEntry, WebhookEvent
from coaching.payments.services import refund_issue
from coaching.payments.signals import money_moved
from coaching.payments.webhooks import _handlers, register_event_handler

pytestmark = pytest.mark.django_db


@pytest.fixture
def money_events():
    events = []

    def note(event, **kwargs):
        events.append(event)

    money_moved.connect(note)
    yield events
    money_moved.disconnect(note)


def test_capture_and_refund_are_announced_after_commit_with_their_ledger_rows(
    session_type, client_user, paypal, frozen, money_events, django_capture_on_commit_callbacks
):
    from tests.bookings.fixtures import paid_booking

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        booking = paid_booking(paypal, client=client_user, session_type=session_type)
    assert money_events == []  # nothing before the commit
    for callback in callbacks:
        callback()
    [captured] = [e for e in money_events if e.kind == "captured"]
    rows = LedgerEntry.objects.filter(pk__in=captured.ledger_entry_ids)
    assert sorted(rows.values_list("kind", flat=True)) == [
        "capture_gross",
        "net",
        "paypal_fee",
        "platform_fee",
    ]
    assert captured.purchase_id == booking.purchase_id
    assert captured.practice_id == booking.practice_id

    with django_capture_on_commit_callbacks(execute=True):
        refund_issue(payment=booking.payments.get(), amount=Decimal("20.00"), reason="x")
    [refunded] = [e for e in money_events if e.kind == "refunded"]
    assert LedgerEntry.objects.filter(pk__in=refunded.ledger_entry_ids).count() == 4


def test_moving_a_session_announces_the_new_date_of_service(
    booking, frozen, money_events, django_capture_on_commit_callbacks
):
    from coaching.bookings.services import booking_move

    new_start = booking.start + timedelta(hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        booking_move(booking=booking, actor=booking.client, new_start=new_start)

    [moved] = [e for e in money_events if e.kind == "line_rescheduled"]
    line = booking.purchase.lines.get()
    assert moved.line_id == line.pk and line.service_date == new_start


def test_another_app_handles_its_own_webhook_events(client, paypal, frozen):
    seen = []

    def revoked(event):
        seen.append(event["resource"]["merchant_id"])
        return "merchant revoked"

    body = json.dumps(
        {
            "id": "WH-9",
            "event_type": "MERCHANT.PARTNER-CONSENT.REVOKED",
            "resource": {"merchant_id": "MERCH00000001"},
        }
    ).encode()
    register_event_handler("MERCHANT.PARTNER-CONSENT.REVOKED", revoked)
    try:
        response = client.post(
            reverse("payments:paypal_webhook"),
            data=body,
            content_type="application/json",
            **paypal.webhook_headers(body),
        )
    finally:
        _handlers.pop("MERCHANT.PARTNER-CONSENT.REVOKED")
    assert response.status_code == 200
    assert seen == ["MERCH00000001"]
    assert WebhookEvent.objects.get().outcome == "merchant revoked"
