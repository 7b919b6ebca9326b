"""Account erasure (Art. 17 GDPR): the account closes at once, the job erases every registered
model step by step (safe to run again), kept rows are restricted and redacted."""

from __future__ import annotations

import datetime
import logging
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from privacy.data_requests import data_request_answered, data_request_self_service
from privacy.models import ConsentRecord, ErasureRequest, RestrictedRecord
from privacy.processors_erasure import processor_erasures_create
from privacy.pseudonyms import user_pseudonym
from privacy.redaction import identifiers_pattern, person_identifiers, redact
from privacy.registry import Erase, LegalHold, PersonalData, personal_data
from privacy.scan import cache_forget
from privacy.services.consent import consent_withdraw
from privacy.services.export import data_exports_forget_person
from privacy.signals import account_erasure_requested
from sofadoc.queue import task_enqueue_on_commit

if TYPE_CHECKING:
    from sofadoc.accounts.models import User

logger = logging.getLogger(__name__)


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


def account_erase(*, user: User, erasure: ErasureRequest | None = None) -> None:
    """Erase a person everywhere, one step per transaction, safe to run again.

    Step one lets the apps act while the person still exists (signal): bookings cancel and
    refund future sessions, and that money movement is committed on its own. Then every
    registered model is deleted or anonymised in registry order, the user row last. A crash
    rolls back only the step it hit; running the job again finds the finished steps with
    nothing left to do and carries on from there.
    """

    with transaction.atomic():
        account_erasure_requested.send(sender=account_erase, user=user)
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
        logger.warning("erasure could not clear cached copies")


def _erase_step(declaration: PersonalData, user: User) -> None:
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


def _redact(declaration: PersonalData, rows: QuerySet, user: User) -> None:
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


def _restrict(declaration: PersonalData, hold: LegalHold, user: User) -> None:
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


def account_erasure_complete(*, erasure: ErasureRequest) -> tuple[str, str] | None:
    """Run the erasure of a request (idempotent). Returns the address and language for the
    final mail, None when there is none to send (done before, or no address)."""

    if erasure.state == ErasureRequest.State.DONE:
        return None
    user = erasure.user
    address: str | None = None
    language = ""
    if user is not None:
        # The request keeps pointing at the person until their row goes (SET_NULL), so a
        # crashed run can be resumed with the same request.
        address, language = user.email, user.language or ""
        account_erase(user=user, erasure=erasure)
    erasure.state = ErasureRequest.State.DONE
    erasure.completed_at = timezone.now()
    erasure.save(update_fields=["state", "completed_at"])

    data_request_answered(
        pseudonym=erasure.pseudonym, kind="erasure", answer="account erased; mail sent"
    )
    return (address, language) if address else None
