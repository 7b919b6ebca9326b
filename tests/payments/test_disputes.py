"""Disputes from PayPal's webhooks: hold and release in the ledger, the line's kind flagged, the
coach and staff told; anything not ours refused without a change."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.core import mail

from coaching.notifications.models import Kind, Notification
from coaching.notifications.rendering import notification_render
from coaching.payments.disputes import EVENT_HANDLERS
from coaching.payments.kinds import PurchaseKind, _kinds, register_kind
from coaching.payments.models import Dispute, DisputeStatus, LedgerEntry, LedgerKind
from tests.factories import PracticeFactory
from tests.mail import deliver_queued
from tests.payments.ledger import captured

pytestmark = pytest.mark.django_db


@pytest.fixture
def flagged(monkeypatch):
    """A selling kind that records what it is told (the way bookings will flag a booking)."""
    monkeypatch.setattr("coaching.payments.kinds._kinds", dict(_kinds))
    calls = []
    register_kind(
        PurchaseKind(
            name="booking",
            on_disputed=lambda *, line, disputed: calls.append((line.object_id, disputed)),
        )
    )
    return calls


@pytest.fixture
def purchase():
    practice = PracticeFactory()
    return captured(practice=practice, at=datetime(2026, 11, 3, 9, tzinfo=UTC), gross=Decimal(80))


def _event(
    event_type,
    purchase,
    *,
    status="OPEN",
    outcome=None,
    amount="80.00",
    capture=None,
    seller=None,
    currency="EUR",
):
    resource = {
        "dispute_id": "PP-D-1001",
        "reason": "MERCHANDISE_OR_SERVICE_NOT_RECEIVED",
        "status": status,
        "dispute_amount": {"currency_code": currency, "value": amount},
        "disputed_transactions": [
            {
                "seller_transaction_id": capture or f"CAP-{purchase.pk:010d}",
                "seller": {"merchant_id": seller or purchase.practice.merchant_account.merchant_id},
            }
        ],
    }
    if outcome:
        resource["dispute_outcome"] = {"outcome_code": outcome}
    return {"id": f"WH-{event_type}", "event_type": event_type, "resource": resource}


def _dispute_rows(purchase):
    return dict(
        LedgerEntry.objects.filter(
            purchase=purchase, kind__in=[LedgerKind.DISPUTE_HOLD, LedgerKind.DISPUTE_RELEASE]
        ).values_list("kind", "amount")
    )


def test_a_dispute_holds_then_releases_and_tells_people(
    purchase, flagged, django_capture_on_commit_callbacks, settings
):
    with django_capture_on_commit_callbacks(execute=True):
        opened = EVENT_HANDLERS["CUSTOMER.DISPUTE.CREATED"](
            _event("CUSTOMER.DISPUTE.CREATED", purchase)
        )

    assert opened == "opened"
    dispute = Dispute.objects.get(dispute_id="PP-D-1001")
    assert dispute.purchase == purchase and dispute.status == DisputeStatus.OPEN
    assert _dispute_rows(purchase) == {LedgerKind.DISPUTE_HOLD: Decimal("-80.00")}
    line = purchase.lines.get()
    assert flagged == [(line.object_id, True)]
    coach_messages = Notification.objects.filter(
        recipient=purchase.practice.owner, kind=Kind.DISPUTE_OPENED
    )
    assert sorted(coach_messages.values_list("channel", flat=True)) == ["email", "inbox"]
    inbox = notification_render(coach_messages.get(channel="inbox"))
    assert inbox.subject == "Ein Konflikt wurde bei PayPal eröffnet"
    assert "PayPal hält den strittigen Betrag zurück" in inbox.text
    deliver_queued()  # staff's mail is a row of the delivery log, sent by the worker
    assert [m.to for m in mail.outbox if "PP-D-1001" in m.subject] == [[settings.SUPPORT_EMAIL]]

    updated = EVENT_HANDLERS["CUSTOMER.DISPUTE.UPDATED"](
        _event("CUSTOMER.DISPUTE.UPDATED", purchase, status="UNDER_REVIEW")
    )
    with django_capture_on_commit_callbacks(execute=True):
        resolved = EVENT_HANDLERS["CUSTOMER.DISPUTE.RESOLVED"](
            _event(
                "CUSTOMER.DISPUTE.RESOLVED",
                purchase,
                status="RESOLVED",
                outcome="RESOLVED_SELLER_FAVOUR",
            )
        )

    assert (updated, resolved) == ("updated", "settled")
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.RESOLVED_SELLER
    assert _dispute_rows(purchase) == {
        LedgerKind.DISPUTE_HOLD: Decimal("-80.00"),
        LedgerKind.DISPUTE_RELEASE: Decimal("80.00"),
    }
    assert flagged[-1] == (line.object_id, False)


def test_repeated_deliveries_change_nothing(purchase, flagged):
    event = _event("CUSTOMER.DISPUTE.CREATED", purchase)
    EVENT_HANDLERS["CUSTOMER.DISPUTE.CREATED"](event)
    again = EVENT_HANDLERS["CUSTOMER.DISPUTE.CREATED"](event)
    resolved = _event(
        "CUSTOMER.DISPUTE.RESOLVED", purchase, status="RESOLVED", outcome="RESOLVED_BUYER_FAVOUR"
    )
    EVENT_HANDLERS["CUSTOMER.DISPUTE.RESOLVED"](resolved)
    late = EVENT_HANDLERS["CUSTOMER.DISPUTE.RESOLVED"](resolved)

    assert again == "updated" and late == "already settled"
    assert LedgerEntry.objects.filter(provider_reference="PP-D-1001").count() == 2
    assert Dispute.objects.get().status == DisputeStatus.RESOLVED_BUYER
    assert len(flagged) == 2


@pytest.mark.parametrize(
    "change",
    [
        {"capture": "CAP-UNKNOWN"},
        {"seller": "SOMEONE-ELSE"},
        {"currency": "USD"},
        {"amount": "80.01"},
        {"amount": "nonsense"},
    ],
    ids=["unknown capture", "other seller", "currency", "more than paid", "no amount"],
)
def test_a_dispute_not_ours_is_refused_and_changes_nothing(purchase, flagged, change):
    outcome = EVENT_HANDLERS["CUSTOMER.DISPUTE.CREATED"](
        _event("CUSTOMER.DISPUTE.CREATED", purchase, **change)
    )

    assert outcome.startswith("ignored")
    assert not Dispute.objects.exists()
    assert _dispute_rows(purchase) == {}
    assert flagged == []
    assert deliver_queued() == []
    assert not mail.outbox


def test_a_dispute_on_a_paid_booking_is_in_the_booking_history(booking):
    """The bookings kind flags the real booking: its audit trail names the dispute and its end."""
    purchase = booking.purchase
    capture = booking.payments[0].capture_id
    EVENT_HANDLERS["CUSTOMER.DISPUTE.CREATED"](
        _event("CUSTOMER.DISPUTE.CREATED", purchase, amount=str(booking.price), capture=capture)
    )
    EVENT_HANDLERS["CUSTOMER.DISPUTE.RESOLVED"](
        _event(
            "CUSTOMER.DISPUTE.RESOLVED",
            purchase,
            status="RESOLVED",
            outcome="RESOLVED_SELLER_FAVOUR",
            amount=str(booking.price),
            capture=capture,
        )
    )
    reasons = list(booking.events.values_list("reason", flat=True))
    assert "payment disputed at PayPal" in reasons
    assert reasons[-1] == "PayPal dispute settled"
    booking.refresh_from_db()
    assert booking.state == "confirmed"
