"""SofaDoc's monthly fee invoices: from the ledger, once per coach and month, as Factur-X."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from io import BytesIO

import pytest
import time_machine
from django.core import mail
from django.db import IntegrityError, transaction
from facturx import get_xml_from_pdf, xml_check_xsd
from lxml import etree
from pypdf import PdfReader

from coaching.billing.facturx import fee_invoice_xml, split_address
from coaching.billing.models import Document, DocumentKind
from coaching.billing.rendering import document_pdf
from coaching.billing.selectors import document_numbers_for, fee_invoice_for
from coaching.billing.services import fee_invoices_issue_month
from coaching.billing.services.documents import LineDraft, document_write
from coaching.billing.tasks import issue_fee_invoices
from coaching.notifications.tasks import send_due_reminders
from tests.billing.factories import paid, refund_record
from tests.factories import PracticeFactory
from tests.mail import deliver_queued
from tests.notifications.resending import assert_sent_again_alike, resend_as_staff

pytestmark = pytest.mark.django_db
NOVEMBER = date(2026, 11, 1)
RAM = "{urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100}"


def _november_activity(practice):
    """Three payments in November (fee 8 € each), one refunded with its fee, one in December, and
    one at 23:30 UTC on 31 October, which is already November in Berlin."""
    at = datetime(2026, 11, 10, 12, 0, tzinfo=UTC)
    purchases = [paid(practice, capture_at=at)[0] for _ in range(2)]
    paid(practice, capture_at=datetime(2026, 10, 31, 23, 30, tzinfo=UTC))
    paid(practice, capture_at=datetime(2026, 12, 1, 8, 0, tzinfo=UTC))
    refund_record(purchases[0], amount=Decimal("80.00"), fee_back=Decimal("8.00"), at=at)


@pytest.fixture
def december_first():
    with time_machine.travel(datetime(2026, 12, 1, 1, 15, tzinfo=UTC), tick=False):
        yield


def test_the_monthly_task_invoices_last_months_fees_less_those_given_back(
    december_first, coach_practice
):
    quiet = PracticeFactory()
    paid(quiet, capture_at=datetime(2026, 9, 3, 12, 0, tzinfo=UTC))  # nothing in November
    _november_activity(coach_practice)

    result = issue_fee_invoices.apply().get()

    assert result == {"issued": 1, "failed": 0, "announced": 1}
    invoice = Document.objects.get(kind=DocumentKind.FEE_INVOICE)
    assert invoice.practice == coach_practice
    assert invoice.period_start == NOVEMBER
    assert invoice.number == "SD-2026-00001"
    assert invoice.issuer_name == "SofaDoc GmbH"
    assert invoice.recipient_name == "Erika Muster"
    # 3 × 8 € charged, 8 € given back: 16 € gross with 19 % VAT in it.
    assert [line.gross for line in invoice.lines.all()] == [Decimal("24.00"), Decimal("-8.00")]
    assert (invoice.net_total, invoice.vat_total, invoice.gross_total) == (
        Decimal("13.45"),
        Decimal("2.55"),
        Decimal("16.00"),
    )
    assert "3 Zahlungen im November 2026" in invoice.lines.first().description
    assert fee_invoice_for(practice=coach_practice, month=date(2026, 11, 17)) == invoice

    assert deliver_queued() == ["sent"]  # a row of the delivery log, sent by the worker
    [message] = mail.outbox
    assert message.to == [coach_practice.owner.email]
    assert "November 2026" in message.subject
    assert f"/documents/{invoice.pk}/pdf/" in message.body
    # The invoice itself goes with it: the same PDF/A-3 with its Factur-X XML as the download.
    [(filename, content, mimetype)] = message.attachments
    assert (filename, mimetype) == (f"Rechnung-{invoice.number}.pdf", "application/pdf")
    assert get_xml_from_pdf(BytesIO(content), check_xsd=False)[1]


def test_a_fee_invoice_sent_again_names_the_same_invoice_with_its_pdf(
    december_first, coach_practice
):
    _november_activity(coach_practice)
    issue_fee_invoices.apply()
    invoice = Document.objects.get(kind=DocumentKind.FEE_INVOICE)
    [message] = assert_sent_again_alike(resend_as_staff)
    assert f"/documents/{invoice.pk}/pdf/" in message.body
    assert [name for name, _content, _kind in message.attachments] == [
        f"Rechnung-{invoice.number}.pdf"
    ]


def test_running_again_issues_and_sends_nothing_new(december_first, coach_practice):
    _november_activity(coach_practice)
    issue_fee_invoices.apply()
    deliver_queued()
    assert issue_fee_invoices.apply().get() == {"issued": 0, "failed": 0, "announced": 0}
    assert deliver_queued() == []
    assert Document.objects.filter(kind=DocumentKind.FEE_INVOICE).count() == 1
    assert len(mail.outbox) == 1


def test_a_mail_server_that_is_down_delays_the_invoice_mail_and_the_scan_sends_it(
    december_first, coach_practice, settings
):
    _november_activity(coach_practice)
    settings.EMAIL_BACKEND = "tests.billing.test_fee_invoices.BrokenMail"
    # Announced means queued in the delivery log, in the transaction that marks the invoice.
    assert issue_fee_invoices.apply().get()["announced"] == 1
    assert deliver_queued() == ["failed"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert issue_fee_invoices.apply().get() == {"issued": 0, "failed": 0, "announced": 0}
    with time_machine.travel(datetime(2026, 12, 1, 1, 16, tzinfo=UTC), tick=False):
        assert send_due_reminders.apply().get() == 1  # the next minute's scan retries it
    [message] = mail.outbox
    assert message.attachments[0][2] == "application/pdf"


class BrokenMail:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


def test_the_database_refuses_a_second_invoice_for_a_month(coach_practice):
    def write(number_hint):
        return document_write(
            kind=DocumentKind.FEE_INVOICE,
            practice=coach_practice,
            source_key=f"manual:{number_hint}",
            period_start=NOVEMBER,
            issuer_key="sofadoc",
            issuer_name="SofaDoc GmbH",
            issuer_address="x",
            tax_treatment="vat",
            vat_rate=Decimal("19.00"),
            lines=[LineDraft(description="fees", gross=Decimal("1.19"))],
        )

    with transaction.atomic():
        write(1)
    with pytest.raises(IntegrityError), transaction.atomic():
        write(2)
    # The failed one gave its number back: the series has no gap.
    assert fee_invoices_issue_month(month=NOVEMBER)["issued"] == 0


def test_the_pdf_is_factur_x_with_xml_that_passes_the_xsd(december_first, coach_practice):
    _november_activity(coach_practice)
    issue_fee_invoices.apply()
    invoice = Document.objects.get(kind=DocumentKind.FEE_INVOICE)

    pdf = document_pdf(invoice)

    filename, xml = get_xml_from_pdf(pdf, check_xsd=False)
    assert filename == "factur-x.xml"
    assert xml_check_xsd(xml, flavor="factur-x", level="en16931")
    tree = etree.fromstring(xml)
    assert tree.findtext(f".//{RAM}GrandTotalAmount") == "16.00"
    assert tree.findtext(f".//{RAM}DuePayableAmount") == "0.00"
    assert tree.findtext(f".//{RAM}SellerTradeParty/{RAM}Name") == "SofaDoc GmbH"
    assert tree.findtext(f".//{RAM}BuyerTradeParty//{RAM}CityName") == "Berlin"
    assert tree.findtext(f".//{RAM}SellerTradeParty//{RAM}URIID") == "rechnung@sofadoc.com"
    assert xml == fee_invoice_xml(invoice)
    xmp = PdfReader(BytesIO(pdf)).trailer["/Root"]["/Metadata"].get_data()
    assert b"<pdfaid:part>3</pdfaid:part>" in xmp  # PDF/A-3 in the XMP metadata
    assert b"<fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>" in xmp


def test_free_text_addresses_become_cii_fields():
    assert split_address("Musterstraße 12\n10115 Berlin\nDeutschland") == {
        "postcode": "10115",
        "lines": ["Musterstraße 12"],
        "city": "Berlin",
        "country": "DE",
    }
    assert split_address("c/o Praxis\nWeg 3\n1010 Wien\nÖsterreich")["country"] == "AT"


def test_document_numbers_for_the_earnings_csv(december_first, coach_practice, buyer):
    from tests.billing.factories import announce_after_commit

    purchase, capture = paid(coach_practice, capture_at=datetime(2026, 11, 3, 9, tzinfo=UTC))
    refund = refund_record(
        purchase, amount=Decimal("80.00"), fee_back=Decimal("8.00"),
        at=datetime(2026, 11, 4, 9, tzinfo=UTC),
    )  # fmt: skip
    from coaching.billing.receivers import money_moved_issue_documents
    from coaching.payments.signals import MoneyEvent

    money_moved_issue_documents(MoneyEvent("captured", purchase.pk, [e.pk for e in capture]))
    money_moved_issue_documents(MoneyEvent("refunded", purchase.pk, [e.pk for e in refund]))
    ids = [e.pk for e in capture + refund]
    before_invoice = document_numbers_for(ids)
    assert before_invoice == {e.pk: "2026-0001" for e in capture} | {
        e.pk: "2026-0002" for e in refund
    }
    issue_fee_invoices.apply()
    numbers = document_numbers_for(ids)
    fee_rows = [e.pk for e in capture + refund if e.kind in ("platform_fee", "refund_platform_fee")]
    assert {numbers[pk] for pk in fee_rows} == {"SD-2026-00001"}
    assert numbers[capture[0].pk] == "2026-0001"
    assert announce_after_commit  # the helper payments' callers use; direct calls here
