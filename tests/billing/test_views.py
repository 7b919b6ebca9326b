"""Documents as pages and PDFs: who may see them, and that they fit on A4 paper."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from pypdf import PdfReader

from coaching.billing.models import Document, DocumentKind
from coaching.billing.receivers import money_moved_issue_documents
from coaching.billing.tasks import issue_fee_invoices
from coaching.payments.signals import MoneyEvent
from coaching.practices.models import TaxTreatment
from tests.billing.factories import paid, receipt_issued, refund_record
from tests.factories import PracticeFactory, UserFactory
from tests.queries import pinned_queries

pytestmark = pytest.mark.django_db
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
A4_POINTS = (595, 842)


@pytest.fixture
def december():
    with time_machine.travel(datetime(2026, 12, 3, 10, 0, tzinfo=UTC), tick=False):
        yield


def _receipt(practice, buyer, **fields):
    receipt = receipt_issued(
        practice, buyer, service_date=datetime(2026, 12, 8, 9, tzinfo=UTC), **fields
    )
    return receipt.purchase, receipt


def _look_at(pdf: bytes, name: str) -> None:
    """Keep the PDF and its first page as PNG for a person to look at (test-artifacts/)."""
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"{name}.pdf").write_bytes(pdf)
    if shutil.which("pdftoppm"):
        subprocess.run(  # noqa: S603
            ["pdftoppm", "-png", "-r", "80", "-singlefile", str(ARTIFACTS / f"{name}.pdf"),  # noqa: S607
             str(ARTIFACTS / name)],
            check=True,
        )  # fmt: skip


def _one_a4_page(pdf: bytes) -> None:
    reader = PdfReader(BytesIO(pdf))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == A4_POINTS


def test_the_client_sees_the_receipt_page_and_pdf(client, december, buyer):
    practice = PracticeFactory(
        tax_treatment=TaxTreatment.VAT, vat_id="DE123456789", billing_name="Dr. Erika Muster"
    )
    _purchase, receipt = _receipt(
        practice, buyer, amount=Decimal("297.50"), fee=Decimal("29.75"),
        billing_name="Max Mustermann", billing_address="Hauptstraße 5\n20095 Hamburg",
        description="Einzelcoaching (90 Min.)",
    )  # fmt: skip
    client.force_login(buyer)
    html = client.get(reverse("billing:document", args=[receipt.pk])).content.decode()
    expected = ["Zahlungsbeleg", "2026-0001", "Dr. Erika Muster", "Max Mustermann", "20095 Hamburg",
                "DE123456789", "250,00", "47,50", "297,50", "08.12.2026 10:00"]  # fmt: skip
    for text in expected:
        assert text in html, text
    # The site's CSP allows no inline style: the page links the stylesheet the PDF also uses.
    assert "<style" not in html and "/static/css/document.css" in html

    response = client.get(reverse("billing:document_pdf", args=[receipt.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="Zahlungsbeleg-2026-0001.pdf"'
    _one_a4_page(response.content)
    _look_at(response.content, "receipt-vat")
    text = PdfReader(BytesIO(response.content)).pages[0].extract_text()
    assert "Umsatzsteuer" in text or "USt" in text
    assert "297,50" in text


def test_small_business_and_cancellation_show_their_notes(client, december, buyer):
    practice = PracticeFactory(billing_name="Erika Muster")
    purchase, receipt = _receipt(practice, buyer)
    refund = refund_record(purchase, amount=Decimal("80.00"))
    money_moved_issue_documents(MoneyEvent("refunded", purchase.pk, [e.pk for e in refund]))
    cancellation = Document.objects.get(kind=DocumentKind.CANCELLATION)
    client.force_login(practice.owner)  # the coach sees their own documents too
    html = client.get(reverse("billing:document", args=[receipt.pk])).content.decode()
    assert "§ 19 UStG" in html
    html = client.get(reverse("billing:document", args=[cancellation.pk])).content.decode()
    assert "Stornobeleg" in html
    assert "-80,00" in html
    assert "Beleg Nr. 2026-0001 vom 03.12.2026" in html
    pdf = client.get(reverse("billing:document_pdf", args=[cancellation.pk])).content
    _one_a4_page(pdf)
    _look_at(pdf, "cancellation-small-business")


def test_strangers_get_404_for_documents_and_the_same_for_made_up_ids(client, december, buyer):
    _purchase, receipt = _receipt(PracticeFactory(), buyer)
    client.force_login(UserFactory())
    for name in ("billing:document", "billing:document_pdf"):
        assert client.get(reverse(name, args=[receipt.pk])).status_code == 404
        assert client.get(reverse(name, args=[receipt.pk + 1000])).status_code == 404
    client.logout()
    response = client.get(reverse("billing:document", args=[receipt.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_back_link_stays_on_our_site(client, december, buyer):
    _purchase, receipt = _receipt(PracticeFactory(), buyer)
    client.force_login(buyer)
    url = reverse("billing:document", args=[receipt.pk])
    ours = client.get(url + "?next=/bookings/X/receipt/").content.decode()
    assert 'href="/bookings/X/receipt/"' in ours
    assert "evil.example" not in client.get(url + "?next=https://evil.example/").content.decode()


def test_the_coach_downloads_the_fee_invoice_and_nobody_else(client, buyer):
    practice = PracticeFactory(billing_name="Erika Muster", vat_id="DE123456789")
    paid(practice, capture_at=datetime(2026, 11, 20, 9, tzinfo=UTC))
    with time_machine.travel(datetime(2026, 12, 1, 2, 15, tzinfo=UTC), tick=False):
        issue_fee_invoices.apply()
    invoice = Document.objects.get(kind=DocumentKind.FEE_INVOICE)
    client.force_login(buyer)
    assert client.get(reverse("billing:document_pdf", args=[invoice.pk])).status_code == 404
    client.force_login(practice.owner)
    html = client.get(reverse("billing:document", args=[invoice.pk])).content.decode()
    assert "Rechnung" in html and "SD-2026-00001" in html and "01.11.2026 – 30.11.2026" in html
    pdf = client.get(reverse("billing:document_pdf", args=[invoice.pk])).content
    _one_a4_page(pdf)
    _look_at(pdf, "fee-invoice")


def test_a_moved_session_correction_renders(client, december, buyer):
    purchase, _receipt_doc = _receipt(PracticeFactory(), buyer)
    line = purchase.lines.get()
    line.service_date += timedelta(days=7)
    line.save(update_fields=["service_date"])
    money_moved_issue_documents(MoneyEvent("line_rescheduled", purchase.pk, line_id=line.pk))
    correction = Document.objects.get(kind=DocumentKind.CORRECTION)
    client.force_login(buyer)
    html = client.get(reverse("billing:document", args=[correction.pk])).content.decode()
    assert "Rechnungskorrektur" in html and "15.12.2026 10:00" in html
    assert "Der Betrag bleibt unverändert" in html


def test_the_document_page_costs_the_same_few_queries_whatever_its_lines(client, december, buyer):
    _purchase, receipt = _receipt(PracticeFactory(), buyer)
    client.force_login(buyer)
    url = reverse("billing:document", args=[receipt.pk])
    client.get(url)  # warm the session and the user's preferences
    # the document with practice and correction target, its lines (the warmed session and user
    # are read from Redis)
    with pinned_queries(2):
        assert client.get(url).status_code == 200


def test_making_a_pdf_leaves_pillow_refusing_truncated_images(december, buyer):
    """WeasyPrint's import would make Pillow accept truncated images process-wide (the photo
    upload's check relies on the opposite)."""
    from PIL import ImageFile

    from coaching.billing.rendering import document_pdf

    _purchase, receipt = _receipt(PracticeFactory(), buyer)
    document_pdf(receipt)
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
