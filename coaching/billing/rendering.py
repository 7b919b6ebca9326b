"""A document as a printable page and as a PDF (WeasyPrint; fee invoices as Factur-X PDF/A-3).

The PDF is rendered from the document row each time it is asked for: the row never changes, so
neither does the PDF, and an erasure that blanks the recipient reaches the PDF too.
"""

from __future__ import annotations

import warnings
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from coaching.billing.models import Document, DocumentKind
from coaching.billing.periods import BOOKS_ZONE, month_bounds
from coaching.billing.tax import note_for

STYLESHEET = "css/document.css"  # the page's and the PDF's (static/, so CSP allows it)
TITLES = {
    DocumentKind.RECEIPT: _("Payment receipt"),
    DocumentKind.CANCELLATION: _("Cancellation receipt"),
    DocumentKind.CORRECTION: _("Corrected receipt"),
    DocumentKind.FEE_INVOICE: _("Invoice"),
}
TOTAL_LABELS = {
    DocumentKind.RECEIPT: _("Total paid"),
    DocumentKind.CANCELLATION: _("Total refunded"),
    DocumentKind.CORRECTION: _("Total of the correction"),
    DocumentKind.FEE_INVOICE: _("Total"),
}


def document_context(document: Document, *, for_pdf: bool, back_url: str = "") -> dict:
    lines = list(document.lines.all())
    with_dates = document.period_start is None
    label_span = 2 + int(with_dates) + (2 if document.shows_vat else 0)
    zone = BOOKS_ZONE if document.is_from_sofadoc else ZoneInfo(document.practice.time_zone)
    period_end = None
    if document.period_start:
        period_end = (month_bounds(document.period_start)[1] - timedelta(days=1)).date()
    with override("de"):
        return {
            "document": document,
            "lines": lines,
            "title": str(TITLES[DocumentKind(document.kind)]),
            "total_label": str(TOTAL_LABELS[DocumentKind(document.kind)]),
            "tax_note": str(note_for(document.tax_treatment)),
            "label_span": label_span,
            "zone": zone,
            "period_end": period_end,
            "sender_line": " · ".join(
                [document.issuer_name, *document.issuer_address.splitlines()]
            ),
            "for_pdf": for_pdf,
            "back_url": back_url,
        }


def document_html(document: Document, *, for_pdf: bool = False, back_url: str = "") -> str:
    context = document_context(document, for_pdf=for_pdf, back_url=back_url)
    return render_to_string("billing/document.html", context)


def _weasyprint():
    """WeasyPrint's classes, imported on first use (Pango is heavy).

    Importing WeasyPrint switches Pillow to accepting truncated images for the whole process
    (weasyprint/images.py sets ImageFile.LOAD_TRUNCATED_IMAGES); the photo upload relies on
    Pillow refusing them, and our documents carry no images, so the setting is put back."""
    from PIL import ImageFile

    before = ImageFile.LOAD_TRUNCATED_IMAGES
    from weasyprint import CSS, HTML

    ImageFile.LOAD_TRUNCATED_IMAGES = before
    return CSS, HTML


def document_pdf(document: Document) -> bytes:
    """The PDF; a fee invoice is PDF/A-3 with its EN 16931 XML embedded (Factur-X)."""
    CSS, HTML = _weasyprint()

    html = HTML(string=document_html(document, for_pdf=True), base_url=str(settings.BASE_DIR))
    stylesheets = [CSS(filename=finders.find(STYLESHEET))]
    if document.kind != DocumentKind.FEE_INVOICE:
        return html.write_pdf(stylesheets=stylesheets)
    from coaching.billing.facturx import facturx_embed

    with warnings.catch_warnings():
        # WeasyPrint 70 hands its sRGB profile file to Pillow and never closes it (PDF/A only).
        warnings.filterwarnings("ignore", r"unclosed file .*sRGB2014\.icc", ResourceWarning)
        pdf = html.write_pdf(stylesheets=stylesheets, pdf_variant="pdf/a-3b")
    return facturx_embed(pdf=pdf, document=document)


def document_filename(document: Document) -> str:
    with override("de"):
        title = str(TITLES[DocumentKind(document.kind)]).replace(" ", "-")
    return f"{title}-{document.number}.pdf"
