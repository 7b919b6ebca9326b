"""The earnings page and the tax advisor's CSV, computed from ledger rows only."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from coaching.payments import earnings
from coaching.payments.earnings import earnings_csv, earnings_month
from tests.factories import PracticeFactory
from tests.payments.ledger import captured, fees_for, refunded
from tests.queries import pinned_queries

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture(autouse=True)
def _no_hooks(monkeypatch):
    # The hooks are billing's to fill; each test starts without them.
    monkeypatch.setattr(earnings, "_document_lookups", [])
    monkeypatch.setattr(earnings, "_fee_invoice_lookups", [])


@pytest.fixture
def november():
    """Two payments and a partial refund in November 2026 (Berlin), one payment either side."""
    practice = PracticeFactory(time_zone="Europe/Berlin")
    first = captured(practice=practice, at=datetime(2026, 11, 3, 9, tzinfo=UTC), gross=D("80.00"))
    captured(
        practice=practice,
        at=datetime(2026, 11, 20, 15, tzinfo=UTC),
        gross=D("120.00"),
        description="Teamcoaching",
    )
    refunded(purchase=first, at=datetime(2026, 11, 25, 8, tzinfo=UTC), amount=D("40.00"))
    # 31 Oct 23:30 UTC is 1 November 00:30 in Berlin: November's.
    captured(practice=practice, at=datetime(2026, 10, 31, 23, 30, tzinfo=UTC), gross=D("50.00"))
    # 30 Nov 23:30 UTC is 1 December in Berlin: not November's.
    captured(practice=practice, at=datetime(2026, 11, 30, 23, 30, tzinfo=UTC), gross=D("999.00"))
    # Another coach's money never shows.
    captured(
        practice=PracticeFactory(), at=datetime(2026, 11, 10, 9, tzinfo=UTC), gross=D("500.00")
    )
    return practice


def test_month_totals_add_up_from_the_ledger(november):
    month = earnings_month(practice=november, month=date(2026, 11, 1))

    gross = D("80.00") + D("120.00") + D("50.00")
    paypal = -sum(fees_for(g)[0] for g in (D(80), D(120), D(50)))
    platform = -sum(fees_for(g)[1] for g in (D(80), D(120), D(50))) + D("4.00")  # fee share back
    assert month.sessions == 3
    assert month.gross == gross
    assert month.paypal_fees == paypal
    assert month.platform_fees == platform
    assert month.refunds == D("-40.00")
    assert month.payout == gross + paypal + platform - D("40.00")
    assert [p.gross for p in month.payments] == [D("50.00"), D("80.00"), D("120.00")]
    refunded_one = month.payments[1]
    assert refunded_one.refunds == D("-40.00")
    assert refunded_one.payout == D("80.00") - fees_for(D(80))[0] - D("8.00") - D("40.00") + D(4)


def test_a_refund_in_a_later_month_shows_there_without_a_session(november):
    purchase = november.purchases.get(total=D("120.00"))
    refunded(purchase=purchase, at=datetime(2026, 12, 5, 9, tzinfo=UTC), amount=D("120.00"))

    december = earnings_month(practice=november, month=date(2026, 12, 1))

    assert december.sessions == 1  # the 999 € payment of 1 December; the refund is no session
    assert december.refunds == D("-120.00")


def test_the_page_shows_the_month_and_each_payment(client, november):
    client.force_login(november.owner)

    with time_machine.travel(datetime(2026, 12, 10, tzinfo=UTC)):
        response = client.get(reverse("payments_coach:earnings"), {"month": "2026-11"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "November 2026" in page
    assert "Teamcoaching" in page
    assert "250,00\N{NO-BREAK SPACE}€" in page  # gross of the month
    assert "-40,00\N{NO-BREAK SPACE}€" in page
    assert "500,00" not in page  # the other coach's payment


def test_the_page_needs_a_fixed_number_of_queries(client):
    practice = PracticeFactory()
    for day in range(1, 4):
        captured(practice=practice, at=datetime(2026, 11, day, 9, tzinfo=UTC), gross=D("80.00"))
    client.force_login(practice.owner)
    url = reverse("payments_coach:earnings")
    # A cold cache both times: the session and the layout's cookie-policy version are read from
    # PostgreSQL once and then from Redis; the count must not depend on what ran before.
    # (+1: the header's unread coach-client messages, counted once and then cached like the inbox.)
    cache.clear()
    # session, user, practice; the month's totals, sessions paid, one page of payments summed
    # per purchase, their descriptions; the layout's cookie-policy version, unread counts (inbox,
    # conversations) and the calendar notice
    with pinned_queries(11):
        client.get(url, {"month": "2026-11"})
    for day in range(4, 28):
        for hour in (9, 11, 14):  # more than a page of payments
            captured(
                practice=practice, at=datetime(2026, 11, day, hour, tzinfo=UTC), gross=D("80.00")
            )
    cache.clear()
    with pinned_queries(11):
        response = client.get(url, {"month": "2026-11"})
    summary = response.context["summary"]
    assert summary.sessions == summary.payment_count == 3 + 24 * 3
    assert len(summary.payments) == 50 and summary.pages == 2


def test_a_bad_month_or_page_is_a_400_with_a_message(client):
    practice = PracticeFactory()
    client.force_login(practice.owner)

    response = client.get(reverse("payments_coach:earnings"), {"month": "2026-13"})
    export = client.get(reverse("payments_coach:earnings_csv", args=["drop-table"]))
    page = client.get(reverse("payments_coach:earnings"), {"month": "2026-11", "page": "x"})

    assert response.status_code == export.status_code == page.status_code == 400
    assert "JJJJ-MM" in response.content.decode()


def test_csv_for_the_tax_advisor(client, november):
    earnings.register_document_number_lookup(
        lambda ids: {entry_id: f"RE-2026-{entry_id:04d}" for entry_id in ids}
    )
    client.force_login(november.owner)

    response = client.get(reverse("payments_coach:earnings_csv", args=["2026-11"]))

    raw = response.content
    assert raw.startswith("\ufeff".encode())
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = raw.decode("utf-8-sig").split("\r\n")
    assert (
        lines[0]
        == "Datum;Belegnummer;Buchungsart;Beschreibung;Betrag;Währung;PayPal-Referenz;Zahlung"
    )
    rows = [line.split(";") for line in lines[1:] if line]
    assert len(rows) == 3 * 4 + 4  # three payments of four movements, one refund of four
    first = rows[0]
    assert first[0] == "01.11.2026"
    assert first[1].startswith("RE-2026-")
    assert first[4] == "50,00"  # the gross of the payment of 1 November (Berlin)
    assert "-40,00" in [row[4] for row in rows]
    assert all("." not in row[4] for row in rows)


def test_csv_cells_are_not_formulas():
    practice = PracticeFactory()
    captured(
        practice=practice,
        at=datetime(2026, 11, 3, 9, tzinfo=UTC),
        gross=D("80.00"),
        description="=HYPERLINK(1)",
    )

    text = earnings_csv(practice=practice, month=date(2026, 11, 1))

    assert "'=HYPERLINK(1)" in text


def test_the_fee_invoice_link_comes_from_billing(client):
    practice = PracticeFactory()
    earnings.register_fee_invoice_lookup(
        lambda *, practice, month: f"/billing/fees/{month:%Y-%m}.pdf"
    )
    client.force_login(practice.owner)

    page = client.get(reverse("payments_coach:earnings"), {"month": "2026-10"}).content.decode()

    assert "/billing/fees/2026-10.pdf" in page
