from __future__ import annotations

import datetime
import io
import json
import logging
import zipfile
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from privacy import support
from privacy.data_requests import data_request_answered, data_request_self_service
from privacy.models import (
    ConsentRecord,
    DataExport,
    ErasureRequest,
    LegalDocument,
    RestrictedRecord,
    SupportRequest,
)
from privacy.processors_erasure import processor_erasures_create
from privacy.pseudonyms import attempt_pseudonym, keyed_hash, user_pseudonym
from privacy.redaction import identifiers_pattern, person_identifiers, redact
from privacy.registry import Erase, personal_data
from privacy.scan import cache_forget, content_text
from privacy.selectors import consent_changed, consents_in_force, legal_document_current
from privacy.signals import account_erasure_requested
from sofadoc.queue import task_enqueue, task_enqueue_on_commit

if TYPE_CHECKING:
    from sofadoc.accounts.models import User

logger = logging.getLogger(__name__)

Purpose = ConsentRecord.Purpose
SIGNUP_PURPOSES = (Purpose.AGE_18, Purpose.TERMS, Purpose.PRIVACY)
_DOCUMENT_FOR = {
    Purpose.TERMS: LegalDocument.Kind.TERMS,
    Purpose.PRIVACY: LegalDocument.Kind.PRIVACY,
    Purpose.COOKIES_STATISTICS: LegalDocument.Kind.COOKIES,
    Purpose.COOKIES_MARKETING: LegalDocument.Kind.COOKIES,
}


def consent_record(
    *,
    decisions: dict[str, bool],
    source: str,
    user: User | None = None,
    pseudonym: str = "",
    ip: str = "",
    documents: dict[str, LegalDocument] | None = None,
) -> list[ConsentRecord]:
    """Log each decision (granted or refused) with the document version it refers to.

    Without a user the rows carry only `pseudonym` (a fresh one per attempt if none is given),
    so a refused signup is provable without storing who tried.
    """
    documents = documents or {}
    if user is not None and not pseudonym:
        pseudonym = user_pseudonym(user.pk)
    pseudonym = pseudonym or attempt_pseudonym()
    rows = []
    for purpose, granted in decisions.items():
        document = documents.get(purpose)
        if document is None and purpose in _DOCUMENT_FOR:
            document = legal_document_current(
                kind=_DOCUMENT_FOR[purpose], language=getattr(user, "language", None)
            )
        rows.append(
            ConsentRecord(
                subject=user,
                pseudonym=pseudonym,
                purpose=purpose,
                document=document,
                granted=bool(granted),
                source=source,
                ip_truncated=ip,
            )
        )
    with transaction.atomic():
        created = ConsentRecord.objects.bulk_create(rows)
        if user is not None:
            consent_changed(user_id=user.pk)  # bulk_create sends no signal
        return created


def consent_withdraw(
    *, user: User, source: str, purposes=None, pseudonym: str = "", ip: str = ""
) -> list[ConsentRecord]:
    """End consents in force: a refusal row per consent, under the pseudonym and document version
    of the grant it ends (Art. 7 (3) GDPR). `purposes` limits it (default: all but the age
    confirmation, which is a statement of fact); `pseudonym` limits it to one browser's cookie
    choices. Returns the rows written (none when nothing was in force)."""

    rows = [
        ConsentRecord(
            subject=user,
            pseudonym=grant.pseudonym,
            purpose=grant.purpose,
            document=grant.document,
            granted=False,
            source=source,
            ip_truncated=ip,
        )
        for grant in consents_in_force(user=user)
        if grant.purpose != Purpose.AGE_18
        and (purposes is None or grant.purpose in purposes)
        and (not pseudonym or grant.pseudonym == pseudonym)
    ]
    with transaction.atomic():
        return ConsentRecord.objects.bulk_create(rows)


def cookie_choice_record(
    *, statistics: bool, marketing: bool, token: str, user: User | None = None, ip=""
):
    """Log a cookie banner decision under a pseudonym of the browser's consent token."""

    return consent_record(
        decisions={Purpose.COOKIES_STATISTICS: statistics, Purpose.COOKIES_MARKETING: marketing},
        source=ConsentRecord.Source.COOKIE_BANNER,
        user=user,
        pseudonym=keyed_hash("cookie:" + token),
        ip=ip,
    )


# --- Export (Art. 15/20 GDPR) ---------------------------------------------------------------
def _private_storage():
    return storages["private"]


def data_export_request(*, user: User) -> DataExport:
    export = DataExport.objects.create(user=user, language=user.language or "de")
    data_request_self_service(user=user, kind="access")
    task_enqueue_on_commit("privacy.build_data_export", export.pk)
    return export


def data_export_build(*, export) -> None:
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
    export.expires_at = export.ready_at + timezone.timedelta(days=settings.PRIVACY_EXPORT_DAYS)
    export.save()

    data_request_answered(
        pseudonym=user_pseudonym(user.pk), kind="access", answer="data export ready (ZIP)"
    )


def data_export_delete_file(*, export) -> None:
    if export.file_name:
        storage = _private_storage()
        if storage.exists(export.file_name):
            storage.delete(export.file_name)


def data_exports_expire(*, now=None) -> int:
    """Delete files whose link has expired (runs periodically)."""

    now = now or timezone.now()
    count = 0
    stale = DataExport.objects.filter(state=DataExport.State.READY, expires_at__lte=now)
    for export in stale.select_for_update(skip_locked=True):
        data_export_delete_file(export=export)
        export.state = DataExport.State.EXPIRED
        export.file_name = ""
        export.save(update_fields=["state", "file_name"])
        count += 1
    return count


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
            data_export_delete_file(export=export)
            export.state = DataExport.State.EXPIRED
            export.file_name = ""
            export.save(update_fields=["state", "file_name"])
            count += 1
    return count


# --- Erasure (Art. 17 GDPR) -----------------------------------------------------------------
def account_erasure_request(*, user: User) -> ErasureRequest:
    """Close the account at once (no more sign-in) and queue the erasure job."""

    erasure = ErasureRequest.objects.create(
        user=user,
        pseudonym=user_pseudonym(user.pk),
        was_coach=hasattr(user, "practice"),
    )
    user.is_active = False
    user.save(update_fields=["is_active", "updated_at"])

    data_request_self_service(user=user, kind="erasure")
    task_enqueue_on_commit("privacy.erase_account", erasure.pk)
    return erasure


def account_erase(*, user: User, actor: User, erasure=None) -> None:
    """Erase a person everywhere, one step per transaction, safe to run again.

    Step one lets the apps act while the person still exists (signal): bookings cancel and
    refund future sessions, and that money movement is committed on its own. Then every
    registered model is deleted or anonymised in registry order, the user row last. A crash
    rolls back only the step it hit; running the job again finds the finished steps with
    nothing left to do and carries on from there.
    """

    with transaction.atomic():
        account_erasure_requested.send(sender=account_erase, user=user, actor=actor)
        # Erasure ends every consent: the log says so under the same pseudonym and version.
        consent_withdraw(user=user, source=ConsentRecord.Source.ERASURE)
        data_exports_forget_person(user=user)
        if erasure is not None:
            processor_erasures_create(erasure=erasure, user=user)

    # Read before the rows go; a common first name may drop unrelated cached pages: a cache miss.
    identifiers = [*person_identifiers(user), user.phone]
    for declaration in personal_data():
        with transaction.atomic():
            _erase_step(declaration, user)
    _cache_forget(identifiers)


def _cache_forget(identifiers: list[str]) -> None:
    """After the rows are gone (nothing can cache them again), old cached copies go too."""

    try:
        cache_forget(needles=identifiers)
    except Exception:  # Redis down: the copies expire with their timeout (minutes)
        logging.getLogger(__name__).warning("erasure could not clear cached copies")


def _erase_step(declaration, user: User) -> None:
    rows = declaration.rows(user)
    if declaration.before_erase:
        declaration.before_erase(rows)
    for hold in declaration.holds:
        _restrict(declaration, hold, user)
    if declaration.redact:
        _redact(declaration, rows, user)
    for obj in rows if declaration.files else []:
        for name in declaration.files:
            file = getattr(obj, name)
            if file:
                file.delete(save=False)
    if declaration.erase is Erase.DELETE:
        # Raw delete of the matched pks: no cascades surprise us, order is ours.
        declaration.model._default_manager.filter(
            pk__in=list(rows.values_list("pk", flat=True))
        ).delete()
    elif declaration.erase in (Erase.ANONYMISE, Erase.KEEP):
        constant = {k: v for k, v in declaration.anonymise.items() if not callable(v)}
        per_row = {k: v for k, v in declaration.anonymise.items() if callable(v)}
        pks = list(rows.values_list("pk", flat=True))
        model = declaration.model
        if per_row:
            for obj in model._default_manager.filter(pk__in=pks):
                for name, make in per_row.items():
                    setattr(obj, name, make(obj))
                obj.save(update_fields=list(per_row))
        if constant:
            model._default_manager.filter(pk__in=pks).update(**constant)


def _redact(declaration, rows, user: User) -> None:
    """Cut the person's identifiers out of the kept free-text columns of their rows."""

    pattern = identifiers_pattern(user)
    if pattern is None:
        return
    for obj in rows.only("pk", *declaration.redact):
        changed = []
        for name in declaration.redact:
            value = getattr(obj, name)
            cleaned = redact(value, pattern)
            if cleaned != value:
                setattr(obj, name, cleaned)
                changed.append(name)
        if changed:
            obj.save(update_fields=changed)


def _restrict(declaration, hold, user: User) -> None:
    """Mark the kept rows that name the person (Art. 18 GDPR): which columns stay, why, until
    when. The period runs to the end of the row's calendar year plus the legal years. A row
    already marked for the other party (the coach left, now the client does) gains this hold's
    columns: one mark per row, the union of what the law keeps on it."""

    rows = declaration.model._default_manager.filter(**{hold.person: user}, **hold.only_if)
    for pk, date in rows.values_list("pk", hold.date_field):
        record, created = RestrictedRecord.objects.get_or_create(
            model_label=declaration.model_label,
            object_id=str(pk),
            defaults={
                "fields": list(hold.fields),
                "basis": hold.basis,
                "pseudonym": user_pseudonym(user.pk),
                "keep_until": datetime.date(date.year + hold.years, 12, 31),
            },
        )
        missing = [f for f in hold.fields if f not in record.fields]
        if not created and missing:
            record.fields = [*record.fields, *missing]
            record.save(update_fields=["fields"])


def account_erasure_complete(*, erasure) -> str | None:
    """Run the erasure of a request (idempotent). Returns the address for the final mail."""

    if erasure.state == ErasureRequest.State.DONE:
        return None
    user = erasure.user
    address = language = None
    if user is not None:
        # The request keeps pointing at the person until their row goes (SET_NULL), so a
        # crashed run can be resumed with the same request.
        address, language = user.email, user.language
        account_erase(user=user, actor=None, erasure=erasure)
    erasure.state = ErasureRequest.State.DONE
    erasure.completed_at = timezone.now()
    erasure.save(update_fields=["state", "completed_at"])

    data_request_answered(
        pseudonym=erasure.pseudonym, kind="erasure", answer="account erased; mail sent"
    )
    return (address, language) if address else None


# --- Jobs whose task was lost ---------------------------------------------------------------
# A data export or erasure is a row in PostgreSQL plus a task in Redis. Should Redis lose the
# task (a flush, a failover to an empty replica), nothing else would ever pick the row up.
JOB_STALLED_AFTER_MINUTES = 30


def privacy_jobs_resume_stalled(*, now=None) -> int:
    """Queue again the exports and erasures still pending long after they were asked for
    (support requests are delivered by support_requests_deliver_stalled, one by one).

    A duplicate is harmless: the export task locks its row and builds only a pending export;
    the erasure resumes step by step and stops at once for a request that is done. The delay
    is far longer than either job takes, so normally the original task has finished."""

    cutoff = (now or timezone.now()) - timezone.timedelta(minutes=JOB_STALLED_AFTER_MINUTES)
    exports = list(
        DataExport.objects.filter(
            state=DataExport.State.PENDING, created_at__lte=cutoff
        ).values_list("pk", flat=True)
    )
    erasures = list(
        ErasureRequest.objects.filter(
            state=ErasureRequest.State.PENDING, requested_at__lte=cutoff
        ).values_list("pk", flat=True)
    )
    for pk in exports:
        task_enqueue("privacy.build_data_export", pk)
    for pk in erasures:
        task_enqueue("privacy.erase_account", pk)
    return len(exports) + len(erasures)


# --- Support requests -------------------------------------------------------------------------
def support_request_submit(*, user: User, name: str, email: str, subject: str, message: str):
    """Store the request (policy § 6: kept to answer it) and deliver it after commit."""

    item = SupportRequest.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        name=name,
        email=email,
        subject=subject,
        message=message,
    )

    task_enqueue_on_commit("privacy.deliver_support_request", item.pk)
    return item


def support_request_deliver(*, item) -> None:
    if item.delivered_by:
        return  # idempotent: delivered before
    delivery = support.deliver(
        name=item.name,
        email=item.email,
        subject=item.subject,
        message=item.message,
        reference=f"SR-{item.pk}",
        request_pk=item.pk,
    )
    item.delivered_by = delivery.channel
    item.zendesk_ticket_id = delivery.ticket_id
    item.save(update_fields=["delivered_by", "zendesk_ticket_id"])


# A support request whose task was lost (the broker was down) or gave up (Zendesk or the mail
# server was down longer than its retries) is delivered by the scan. Older ones are left to
# staff, who see them undelivered in the admin.
SUPPORT_SCAN_DAYS = 3
# After this many unreachable answers the scan stops (each can wait support.TIMEOUT); the next
# scan goes on.
SUPPORT_SCAN_FAILURES = 3


def support_requests_deliver_stalled(*, now=None) -> int:
    """Deliver undelivered support requests older than JOB_STALLED_AFTER_MINUTES, oldest first,
    each in its own transaction: one that fails is logged and left for the next scan, the
    others are delivered. Returns how many were delivered."""

    now = now or timezone.now()
    stalled = SupportRequest.objects.filter(
        delivered_by="",
        created_at__lte=now - timezone.timedelta(minutes=JOB_STALLED_AFTER_MINUTES),
        created_at__gte=now - timezone.timedelta(days=SUPPORT_SCAN_DAYS),
    ).order_by("created_at", "pk")
    delivered = unreachable = 0
    for pk in list(stalled.values_list("pk", flat=True)[:100]):
        if unreachable >= SUPPORT_SCAN_FAILURES:
            break
        try:
            with transaction.atomic(durable=True):
                # A task delivering it right now holds the row: skip it rather than wait.
                item = SupportRequest.objects.select_for_update(skip_locked=True)
                item = item.filter(pk=pk, delivered_by="").first()
                if item is not None:
                    support_request_deliver(item=item)
                    delivered += 1
        except support.SupportUnavailable as error:
            unreachable += 1
            logger.warning("support request %s not delivered, next scan: %s", pk, error)
        except support.SupportDeliveryError as error:
            logger.error("support request %s refused by Zendesk: %s", pk, error)
    return delivered
