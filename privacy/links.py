"""Signed, expiring download links for exports (the owner check happens in the view too)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core import signing
from django.urls import reverse

if TYPE_CHECKING:
    from privacy.models import DataExport

SALT = "privacy.export-download"


def export_download_path(export: DataExport) -> str:
    token = signing.dumps({"export": export.pk, "user": export.user_id}, salt=SALT)
    return reverse("privacy:export_download", args=[token])


def export_token_load(token: str) -> dict[str, Any] | None:
    try:
        return signing.loads(token, salt=SALT, max_age=settings.PRIVACY_EXPORT_DAYS * 86400)
    except signing.BadSignature:
        return None
