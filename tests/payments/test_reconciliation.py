"""The nightly comparison of yesterday's ledger with PayPal's transaction search."""

from datetime import UTC, date, datetime
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
import responses
import time_machine
from django.core import mail

from coaching.payments.models import ReconciliationDifference
from coaching.payments.providers.paypal_partner import auth_assertion
from coaching.payments.reconciliation import reconcile_day, reconcile_yesterday
from tests.factories import PracticeFactory
from tests.mail import deliver_queued
from tests.payments.ledger import captured, fees_for, refunded

pytestmark = pytest.mark.django_db

BASE = "https://api-m.sandbox.paypal.com"
DAY = date(2026, 11, 3)


def _info(transaction_id, code, amount, fee):
    return {
        "transaction_info": {
            "transaction_id": transaction_id,
            "transaction_event_code": code,
            "transaction_initiation_date": "2026-11-03T09:00:00+0000",
            "transaction_amount": {"currency_code": "EUR", "value": str(amount)},
            "fee_amount": {"currency_code": "EUR", "value": str(fee)},
            "transaction_status": "S",
        }
    }


@pytest.fixture
def day_of_money():
    practice = PracticeFactory()
    at = datetime(2026, 11, 3, 9, tzinfo=UTC)
    first = captured(practice=practice, at=at, gross=Decimal("80.00"))
    second = captured(practice=practice, at=at, gross=Decimal("120.00"))
    refund = refunded(purchase=first, at=at, amount=Decimal("40.00"))
    return practice, first, second, refund[0].provider_reference


def _answer(mock, details, *, pages=1, status=200):
    mock.add(
        responses.GET,
        f"{BASE}/v1/reporting/transactions",
        json={"transaction_details": details, "total_pages": pages, "page": 1},
        status=status,
    )


def test_a_matching_day_finds_nothing(partner_api, day_of_money):
    practice, first, second, refund_id = day_of_money
    _answer(
        partner_api,
        [
            _info(f"CAP-{first.pk:010d}", "T0006", "80.00", -fees_for(Decimal(80))[0]),
            _info(f"CAP-{second.pk:010d}", "T0006", "120.00", -fees_for(Decimal(120))[0]),
            _info(refund_id, "T1107", "-40.00", "0.00"),
            _info("WITHDRAWAL-1", "T0400", "-500.00", "0.00"),  # not compared
        ],
    )

    outcome = reconcile_day(day=DAY)

    assert outcome.differences == [] and outcome.failed_merchants == []
    assert deliver_queued() == []
    assert not mail.outbox
    request = next(c.request for c in partner_api.calls if "/reporting/" in c.request.url)
    query = parse_qs(urlsplit(request.url).query)
    assert query["start_date"] == ["2026-11-02T22:00:00Z"]  # the day, two hours either side
    assert query["end_date"] == ["2026-11-04T02:00:00Z"]
    assert request.headers["PayPal-Auth-Assertion"] == auth_assertion(
        client_id="test-client-id", merchant_id=practice.merchant_account.merchant_id
    )


def test_differences_are_listed_for_staff_and_never_corrected(
    partner_api, day_of_money, django_capture_on_commit_callbacks, settings
):
    practice, first, second, refund_id = day_of_money
    _answer(
        partner_api,
        [
            _info(f"CAP-{first.pk:010d}", "T0006", "80.00", "-9.99"),  # fee differs
            # the second capture is missing at PayPal; the refund too
            _info("CAP-STRANGER", "T0006", "33.00", "-1.00"),  # not in our ledger
        ],
    )

    with django_capture_on_commit_callbacks(execute=True):
        outcome = reconcile_day(day=DAY)

    found = {(d.provider_reference, d.description.split(": ", 1)[1]) for d in outcome.differences}
    assert found == {
        (f"CAP-{first.pk:010d}", "PayPal fee differs"),
        (f"CAP-{second.pk:010d}", "missing at PayPal"),
        (refund_id, "missing at PayPal"),
        ("CAP-STRANGER", "missing in our ledger"),
    }
    assert deliver_queued() == ["sent"]  # through the delivery log, by the worker
    [message] = mail.outbox
    assert message.to == [settings.SUPPORT_EMAIL] and "CAP-STRANGER" in message.body
    ledger_rows = practice.ledger_entries.count()

    with django_capture_on_commit_callbacks(execute=True):
        again = reconcile_day(day=DAY)

    assert again.differences == []  # listed once
    assert ReconciliationDifference.objects.count() == 4
    assert practice.ledger_entries.count() == ledger_rows  # nothing corrected
    assert deliver_queued() == []
    assert len(mail.outbox) == 1


def test_one_seller_failing_does_not_stop_the_others(partner_api, day_of_money):
    other = PracticeFactory()
    captured(practice=other, at=datetime(2026, 11, 3, 12, tzinfo=UTC), gross=Decimal("60.00"))
    partner_api.add(responses.GET, f"{BASE}/v1/reporting/transactions", status=503)
    _answer(partner_api, [])

    outcome = reconcile_day(day=DAY)

    assert len(outcome.failed_merchants) == 1
    assert outcome.differences  # the other seller was still compared


def test_the_nightly_task_checks_yesterday(partner_api):
    _answer(partner_api, [])
    PracticeFactory()

    with time_machine.travel(datetime(2026, 11, 4, 4, 30, tzinfo=UTC)):
        result = reconcile_yesterday.apply()

    assert result.get() == 0
    request = next(c.request for c in partner_api.calls if "/reporting/" in c.request.url)
    assert "start_date=2026-11-02T22" in request.url
