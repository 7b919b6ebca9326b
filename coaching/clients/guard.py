"""Large uploads are refused before they are read.

Django's CSRF check reads the form body (and with it every uploaded file, to a temporary file)
before a view runs, so a view that wants to refuse a 200 MB upload early must do the CSRF check
itself: `upload_view` is exempt from the middleware, answers 413 for a body announced larger
than the limit, caps what is read for one that lies about its size, and then runs the normal
CSRF check (csrf_protect) before the view.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from coaching.clients.forms import MAX_ATTACHMENTS
from coaching.clients.uploads import MAX_FILE_BYTES

# Every attachment at its largest, plus the form fields around them.
MAX_BODY_BYTES = MAX_ATTACHMENTS * MAX_FILE_BYTES + 256 * 1024


class BodyLimit(FileUploadHandler):
    """Stops reading once more than MAX_BODY_BYTES of files came in (a client may send more
    than it announced in Content-Length, e.g. chunked)."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > MAX_BODY_BYTES:
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def too_large(request: HttpRequest) -> HttpResponse:
    return render(request, "clients/too_large.html", status=413)


def upload_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    protected = csrf_protect(view)

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "POST":
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > MAX_BODY_BYTES:
                return too_large(request)
            request.upload_handlers.insert(0, BodyLimit(request))
        return protected(request, *args, **kwargs)

    return csrf_exempt(wrapper)
