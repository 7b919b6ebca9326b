"""Data exports (Art. 15/20 GDPR): asked for, built as a ZIP by a job, stored privately,
expired with their link, withdrawn early when an erased person appears in someone else's."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import Storage, storages
from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string
from django.utils import timezone, translation

from privacy.data_requests import data_request_answered, data_request_self_service
from privacy.links import export_token_load
from privacy.models import DataExport
from privacy.pseudonyms import user_pseudonym
from privacy.redaction import identifiers_pattern
from privacy.registry import personal_data
from privacy.scan import content_text
from sofadoc.queue import task_enqueue_on_commit

if TYPE_CHECKING:
    from sofadoc.accounts.models import User


def _private_storage() -> Storage:
    return storages["private"]


def data_export_request(*, user: User) -> DataExport:
    export = DataExport.objects.create(user=user, language=user.language or "de")
    data_request_self_service(user=user, kind="access")
    task_enqueue_on_commit("privacy.build_data_export", export.pk)
    return export


def data_export_build(*, export: DataExport) -> None:
    """Write the ZIP (JSON per category, README, summary, files) and mark the export ready."""

    user = export.user
    buffer = io.BytesIO()
    counts = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for declaration in personal_data():
            rows = declaration.rows(user)
            values = list(rows.values(*declaration.export_fields()))
            if declaration.model_label == "privacy.DataExport":
                values = [v for v in values if v.get("state") != DataExport.State.PENDING]
            archive.writestr(
                f"{declaration.category}.json",
                json.dumps(values, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
            )
            counts.append((declaration, len(values)))
            for obj in rows if declaration.files else []:
                for name in declaration.files:
                    file = getattr(obj, name)
                    if file:
                        with file.open("rb") as handle:
                            archive.writestr(
                                f"files/{declaration.category}/{file.name}", handle.read()
                            )
        with translation.override(export.language):
            context = {"user": user, "counts": counts, "created": timezone.now()}
            archive.writestr("README.txt", render_to_string("privacy/export/README.txt", context))
    name = f"exports/{user.pk}/{export.pk}-{timezone.now():%Y%m%d%H%M%S}.zip"
    storage = _private_storage()
    stored = storage.save(name, ContentFile(buffer.getvalue()))
    export.file_name = stored
    export.size = len(buffer.getvalue())
    export.state = DataExport.State.READY
    export.ready_at = timezone.now()
    export.expires_at = export.ready_at + timedelta(days=settings.PRIVACY_EXPORT_DAYS)
    export.save()

    data_request_answered(
        pseudonym=user_pseudonym(user.pk), kind="access", answer="data export ready (ZIP)"
    )


def data_export_download(*, token: str, user: User) -> tuple[DataExport, File] | None:
    """The export a download link names, opened from private storage: only for its owner, only
    while the link and the export are valid; None otherwise (the view answers 404)."""
    data = export_token_load(token)
    if not data or data.get("user") != user.pk or data.get("export") is None:
        return None
    export = DataExport.objects.filter(
        pk=data["export"],
        user=user,
        state=DataExport.State.READY,
        expires_at__gt=timezone.now(),
    ).first()
    storage = _private_storage()
    if export is None or not storage.exists(export.file_name):
        return None
    return export, storage.open(export.file_name, "rb")


def data_export_delete_file(*, export: DataExport) -> None:
    if export.file_name:
        storage = _private_storage()
        if storage.exists(export.file_name):
            storage.delete(export.file_name)


def data_exports_expire(*, now: datetime | None = None) -> int:
    """Delete files whose link has expired (runs periodically)."""

    now = now or timezone.now()
    count = 0
    stale = DataExport.objects.filter(state=DataExport.State.READY, expires_at__lte=now)
    for export in stale.select_for_update(skip_locked=True):
        _data_export_withdraw(export)
        count += 1
    return count


def _data_export_withdraw(export: DataExport) -> None:
    """The file goes and the export shows as expired (its owner may ask again)."""
    data_export_delete_file(export=export)
    export.state = DataExport.State.EXPIRED
    export.file_name = ""
    export.save(update_fields=["state", "file_name"])


def data_exports_forget_person(*, user: User) -> int:
    """Other people's export files that mention `user` (a coach's export lists the clients'
    bookings) are withdrawn early: erasure must not leave a copy in storage. Their owners can
    ask again; the new file is built without the erased person.

    A client's own export naming their coach (the session name, the practice on a receipt) is
    withdrawn too: the privacy policy promises that erasure dissolves the account "mit allen
    Daten" (datenschutz, Rechte des Nutzers), and a file we keep in storage is our copy, not the
    client's. Matched like redaction (names and their parts, the practice name, any spelling of
    the phone number), not only the account's current display name, which may differ from the
    name the file was built with."""

    pattern = identifiers_pattern(user)
    if pattern is None:
        return 0
    storage = _private_storage()
    count = 0
    ready = DataExport.objects.filter(state=DataExport.State.READY).exclude(user=user)
    for export in ready.select_for_update(skip_locked=True):
        # Read through the storage: in production it is a private S3 bucket, not a folder.
        if not export.file_name or not storage.exists(export.file_name):
            continue
        with storage.open(export.file_name, "rb") as handle:
            text = content_text(handle.read()).decode(errors="replace")
        if pattern.search(text):
            _data_export_withdraw(export)
            count += 1
    return count
