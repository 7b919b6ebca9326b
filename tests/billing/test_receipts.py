"""Receipts and their corrections, issued from payments' announcements (after commit)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import transaction

from coaching.billing.models import Document, DocumentKind
from coaching.billing.tasks import issue_missing_documents
from coaching.practices.models import TaxTreatment
from tests.billing.factories import (
    announce_after_commit,
    capture_record,
    paid,
    purchase_make,
    refund_record,
)
from tests.factories import PracticeFactory

pytestmark = pytest.mark.django_db
SESSION = datetime(2026, 12, 8, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _december():
    with time_machine.travel(datetime(2026, 12, 3, 10, 0, tzinfo=UTC), tick=False):
        yield


def _captured(practice, django_capture_on_commit_callbacks, **fields):
    purchase, entries = paid(practice, service_date=SESSION, **fields)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        announce_after_commit("captured", purchase=purchase, entries=entries)
    assert len(callbacks) == 1  # announced only once the rows were committed
    return purchase, entries


def test_capture_issues_one_receipt_in_the_coachs_name(
    coach_practice, buyer, django_capture_on_commit_callbacks
):
    purchase, entries = _captured(coach_practice, django_capture_on_commit_callbacks, buyer=buyer)
    receipt = Document.objects.get(purchase=purchase)
    assert receipt.kind == DocumentKind.RECEIPT
    assert receipt.number == "2026-0001"
    assert receipt.issuer_name == "Erika Muster"
    assert "Musterstraße 1" in receipt.issuer_address
    assert receipt.recipient_user == buyer
    assert receipt.recipient_name == "Max Mustermann"
    assert receipt.ledger_entry == entries[0]
    assert (receipt.gross_total, receipt.net_total, receipt.vat_total) == (
        Decimal("80.00"),
        Decimal("80.00"),
        Decimal("0.00"),
    )
    [line] = receipt.lines.all()
    assert (line.item_kind, line.item_id, line.service_date) == ("booking", 1, SESSION)
    assert receipt.retain_until.isoformat() == "2034-12-31"

    # The same announcement again (a webhook racing the return leg) issues nothing new.
    with django_capture_on_commit_callbacks(execute=True):
        announce_after_commit("captured", purchase=purchase, entries=entries)
    assert Document.objects.count() == 1


def test_vat_charging_coach_shows_net_vat_and_vat_id(buyer, django_capture_on_commit_callbacks):
    practice = PracticeFactory(tax_treatment=TaxTreatment.VAT, vat_id="DE123456789")
    purchase, _ = _captured(
        practice, django_capture_on_commit_callbacks, buyer=buyer, amount=Decimal("119.00"),
        fee=Decimal("11.90"),
    )  # fmt: skip
    receipt = Document.objects.get(purchase=purchase)
    assert (receipt.net_total, receipt.vat_total, receipt.gross_total) == (
        Decimal("100.00"),
        Decimal("19.00"),
        Decimal("119.00"),
    )
    assert receipt.issuer_vat_id == "DE123456789"
    assert receipt.vat_rate == Decimal("19.00")


@pytest.mark.parametrize(
    ("treatment", "vat_id"),
    [(TaxTreatment.SMALL_BUSINESS, ""), (TaxTreatment.EXEMPT_HEALING, "DE123456789")],
)
def test_no_vat_treatments_show_no_vat(treatment, vat_id, django_capture_on_commit_callbacks):
    practice = PracticeFactory(tax_treatment=treatment, vat_id=vat_id)
    purchase, _ = _captured(practice, django_capture_on_commit_callbacks)
    receipt = Document.objects.get(purchase=purchase)
    assert receipt.vat_total == 0 and receipt.vat_rate == 0
    assert receipt.tax_treatment == treatment
    assert receipt.issuer_vat_id == ""  # only a VAT-charging coach's receipt shows it


def test_numbers_count_up_per_coach_and_year(django_capture_on_commit_callbacks):
    first, second = PracticeFactory(), PracticeFactory()
    for practice in (first, first, second, first):
        _captured(practice, django_capture_on_commit_callbacks)
    numbers = lambda p: sorted(Document.objects.filter(practice=p).values_list("number", flat=True))  # noqa: E731
    assert numbers(first) == ["2026-0001", "2026-0002", "2026-0003"]
    assert numbers(second) == ["2026-0001"]
    with time_machine.travel(datetime(2027, 1, 2, 10, 0, tzinfo=UTC), tick=False):
        _captured(first, django_capture_on_commit_callbacks)
    assert numbers(first)[-1] == "2027-0001"


def test_above_250_euros_the_receipt_names_the_buyer_as_given_at_checkout(
    coach_practice, buyer, django_capture_on_commit_callbacks
):
    purchase, _ = _captured(
        coach_practice, django_capture_on_commit_callbacks, buyer=buyer,
        amount=Decimal("300.00"), billing_name="Dr. Max Mustermann",
        billing_address="Hauptstraße 5\n20095 Hamburg",
    )  # fmt: skip
    receipt = Document.objects.get(purchase=purchase)
    assert receipt.recipient_required
    assert receipt.recipient_name == "Dr. Max Mustermann"
    assert receipt.recipient_address == "Hauptstraße 5\n20095 Hamburg"


def test_full_refund_issues_a_cancellation_with_negative_amounts(
    coach_practice, buyer, django_capture_on_commit_callbacks
):
    purchase, _ = _captured(coach_practice, django_capture_on_commit_callbacks, buyer=buyer)
    refund = refund_record(purchase, amount=Decimal("80.00"), fee_back=Decimal("8.00"))
    with django_capture_on_commit_callbacks(execute=True):
        announce_after_commit("refunded", purchase=purchase, entries=refund)
    receipt = Document.objects.get(kind=DocumentKind.RECEIPT)
    cancellation = Document.objects.get(kind=DocumentKind.CANCELLATION)
    assert cancellation.refers_to == receipt
    assert cancellation.number == "2026-0002"  # the coach's one series
    assert cancellation.gross_total == Decimal("-80.00")
    assert [line.gross for line in cancellation.lines.all()] == [Decimal("-80.00")]
    assert cancellation.recipient_user == buyer
    assert cancellation.ledger_entry == refund[0]


def test_partial_refunds_issue_corrections_that_add_up(
    coach_practice, django_capture_on_commit_callbacks
):
    practice = PracticeFactory(tax_treatment=TaxTreatment.VAT, vat_id="DE123456789")
    purchase, _ = _captured(practice, django_capture_on_commit_callbacks)
    for amount in (Decimal("30.00"), Decimal("50.00")):
        refund = refund_record(purchase, amount=amount)
        with django_capture_on_commit_callbacks(execute=True):
            announce_after_commit("refunded", purchase=purchase, entries=refund)
    corrections = Document.objects.filter(kind=DocumentKind.CORRECTION).order_by("pk")
    assert [c.gross_total for c in corrections] == [Decimal("-30.00"), Decimal("-50.00")]
    assert all(c.net_total + c.vat_total == c.gross_total for c in corrections)
    assert corrections[0].vat_total == Decimal("-4.79")  # 30 gross at 19 %: 25.21 + 4.79
    assert "Teilerstattung" in corrections[0].lines.get().description


def test_a_refund_announced_before_the_capture_still_gets_the_receipt_first(
    coach_practice, django_capture_on_commit_callbacks
):
    purchase, _ = paid(coach_practice)  # the "captured" announcement was lost
    refund = refund_record(purchase, amount=Decimal("80.00"))
    with django_capture_on_commit_callbacks(execute=True):
        announce_after_commit("refunded", purchase=purchase, entries=refund)
    receipt, cancellation = Document.objects.order_by("number")
    assert (receipt.kind, cancellation.kind) == (DocumentKind.RECEIPT, DocumentKind.CANCELLATION)
    assert cancellation.refers_to == receipt


def test_a_moved_session_gets_a_correction_with_the_new_date(
    coach_practice, django_capture_on_commit_callbacks
):
    purchase, _ = _captured(coach_practice, django_capture_on_commit_callbacks)
    line = purchase.lines.get()
    line.service_date = SESSION + timedelta(days=2)
    line.save(update_fields=["service_date"])
    for _twice in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            announce_after_commit("line_rescheduled", purchase=purchase, line=line)
    correction = Document.objects.get(kind=DocumentKind.CORRECTION)
    assert correction.gross_total == 0
    [corrected] = correction.lines.all()
    assert corrected.service_date == SESSION + timedelta(days=2)
    assert "08.12.2026 10:00" in corrected.description  # the old date, in the coach's zone


def test_lines_that_do_not_add_up_give_no_document_and_a_logged_error(
    coach_practice, django_capture_on_commit_callbacks, caplog
):
    purchase = purchase_make(practice=coach_practice, amount=Decimal("80.00"))
    purchase.lines.update(amount=Decimal("70.00"))
    entries = capture_record(purchase)
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        announce_after_commit("captured", purchase=purchase, entries=entries)
    assert not Document.objects.exists()
    assert "do not add up" in caplog.text


def test_the_scan_issues_what_an_announcement_missed(coach_practice):
    purchase, _ = paid(coach_practice)
    refund_record(purchase, amount=Decimal("20.00"))
    with transaction.atomic():
        pass
    assert issue_missing_documents.apply().get() == 2
    assert issue_missing_documents.apply().get() == 0
    assert sorted(Document.objects.values_list("kind", flat=True)) == ["correction", "receipt"]


def test_the_earnings_csv_and_page_name_billing_documents(coach_practice, client):
    """Billing fills payments' earnings hooks: each movement's row in the tax advisor's CSV
    carries its document number, and the month's page links SofaDoc's fee invoice."""
    import datetime as dt

    from django.urls import reverse

    from coaching.billing.models import Document, DocumentKind
    from coaching.billing.services import fee_invoice_issue, receipt_issue
    from coaching.payments.earnings import earnings_csv, fee_invoice_url
    from tests.billing.factories import paid

    at = dt.datetime(2026, 11, 10, 9, tzinfo=dt.UTC)
    month = dt.date(2026, 11, 1)
    _purchase, entries = paid(coach_practice, capture_at=at)
    receipt = receipt_issue(capture=entries[0])
    assert receipt.number in earnings_csv(practice=coach_practice, month=month)

    assert fee_invoice_url(practice=coach_practice, month=month) is None
    invoice = fee_invoice_issue(practice_id=coach_practice.pk, month=month)
    assert invoice is not None
    assert Document.objects.get(pk=invoice.pk).kind == DocumentKind.FEE_INVOICE
    url = reverse("billing:document_pdf", args=[invoice.pk])
    assert fee_invoice_url(practice=coach_practice, month=month) == url
    client.force_login(coach_practice.owner)
    page = client.get(reverse("payments_coach:earnings"), {"month": "2026-11"})
    assert url in page.content.decode()
