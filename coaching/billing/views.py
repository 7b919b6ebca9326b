"""A document's printable page and its PDF, for the people it concerns (and staff)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from coaching.billing.models import Document
from coaching.billing.rendering import document_context, document_filename, document_pdf
from coaching.billing.selectors import document_for_viewer


def _document(request: HttpRequest, pk: int) -> Document:
    # Someone else's document and a made-up number look the same: 404.
    document = document_for_viewer(user=request.user, pk=pk)
    if document is None:
        raise Http404
    return document


@login_required
@require_GET
def document_page(request: HttpRequest, pk: int) -> HttpResponse:
    document = _document(request, pk)
    back = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    response = render(
        request, "billing/document.html", document_context(document, for_pdf=False, back_url=back)
    )
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
@require_GET
def document_pdf_download(request: HttpRequest, pk: int) -> HttpResponse:
    document = _document(request, pk)
    response = HttpResponse(document_pdf(document), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{document_filename(document)}"'
    response["Cache-Control"] = "private, no-store"
    return response
