"""Short-lived signed download links for shared files. A link names the file and the person it
was made for; the download view also checks that person is still one of the two parties, so a
forwarded or old link is a 404."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core import signing
from django.urls import reverse

if TYPE_CHECKING:
    from coaching.clients.models import SharedFile
    from sofadoc.accounts.models import User

SALT = "clients.file-download"
LINK_SECONDS = 300


def file_download_path(shared: SharedFile, user: User) -> str:
    token = signing.dumps({"f": shared.pk, "u": user.pk}, salt=SALT, compress=True)
    return reverse("clients:file_download", args=[token])


def file_token_load(token: str) -> dict[str, Any] | None:
    try:
        return signing.loads(token, salt=SALT, max_age=LINK_SECONDS)
    except signing.BadSignature:
        return None
