"""Publishing questionnaires and agreements, answering and accepting them.

Every function expects to run inside the caller's `transaction.atomic(durable=True)` and locks
the practice row first, so two tabs publishing at once get consecutive numbers instead of a
unique-constraint error, and an answer is never stored against a version that was replaced
meanwhile.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from coaching.bookings.models import Booking
from coaching.intake.models import (
    MAX_QUESTIONS,
    AgreementAcceptance,
    AgreementVersion,
    IntakeAnswer,
    IntakeFormVersion,
    IntakeQuestion,
    IntakeResponse,
)
from coaching.intake.selectors import RELATIONSHIP_STATES
from coaching.practices.models import Practice
from sofadoc.accounts.models import User


@dataclass(frozen=True)
class QuestionData:
    kind: str
    label: str
    required: bool = False
    help_text: str = ""
    options: list[str] = field(default_factory=list)


Version = TypeVar("Version", IntakeFormVersion, AgreementVersion)


class VersionChanged(Exception):
    """The coach published a new version while the client was reading the old one."""


def _lock(practice: Practice) -> Practice:
    return Practice.objects.select_for_update().get(pk=practice.pk)


def _next_number(model, practice: Practice) -> int:
    last = model.objects.filter(practice=practice).aggregate(n=Max("number"))["n"]
    return (last or 0) + 1


def _require_in_force(model: type[Version], *, practice_id: int, version_id: int) -> Version:
    """The practice's newest version, if it is `version_id` and still in force (else the coach
    published another or switched it off meanwhile: VersionChanged). Call with the practice
    locked."""
    newest = model.objects.filter(practice_id=practice_id).order_by("-number").first()
    if newest is None or newest.pk != version_id or not newest.active:
        raise VersionChanged
    return newest


def _require_owner(practice: Practice, actor: User) -> None:
    if practice.owner_id != actor.pk:
        raise PermissionDenied


def intake_form_publish(
    *, practice: Practice, actor: User, questions: list[QuestionData]
) -> IntakeFormVersion:
    """Publish the next version with these questions in this order (none: the questionnaire is
    switched off). Earlier versions stay for the answers given to them."""
    _require_owner(practice, actor)
    if len(questions) > MAX_QUESTIONS:
        raise ValidationError(
            _("A questionnaire has at most %(max)s questions.") % {"max": MAX_QUESTIONS}
        )
    with transaction.atomic():
        _lock(practice)
        version = IntakeFormVersion.objects.create(
            practice=practice,
            number=_next_number(IntakeFormVersion, practice),
            active=bool(questions),
        )
        IntakeQuestion.objects.bulk_create(
            IntakeQuestion(
                version=version,
                position=position,
                kind=question.kind,
                label=question.label,
                help_text=question.help_text,
                options=list(question.options),
                required=question.required,
            )
            for position, question in enumerate(questions)
        )
    return version


def intake_answer_submit(
    *, practice: Practice, client: User, version: IntakeFormVersion, answers: dict[int, str]
) -> IntakeResponse:
    """Store the client's answers to `version` (the one in force): fills the coach's open
    request if there is one, else starts a new response. `answers` maps question ids of that
    version to the answer text (validated by the form)."""
    with transaction.atomic():
        _lock(practice)
        _require_in_force(IntakeFormVersion, practice_id=practice.pk, version_id=version.pk)
        question_ids = set(version.questions.values_list("pk", flat=True))
        if not set(answers) <= question_ids:
            raise ValidationError(_("These answers do not belong to this questionnaire."))
        response = IntakeResponse.objects.filter(
            practice=practice, client=client, submitted_at__isnull=True
        ).first() or IntakeResponse(practice=practice, client=client)
        response.version = version
        response.submitted_at = timezone.now()
        response.save()
        IntakeAnswer.objects.bulk_create(
            IntakeAnswer(response=response, question_id=pk, value=value)
            for pk, value in answers.items()
        )
    return response


def intake_request_again(*, booking: Booking, actor: User) -> IntakeResponse:
    """The coach asks the booking's client to fill in the questionnaire again (idempotent: an
    open request is returned as it is)."""
    practice = booking.practice
    _require_owner(practice, actor)
    if booking.client_id is None or booking.state not in RELATIONSHIP_STATES:
        raise ValidationError(_("This booking has no client to ask."))
    with transaction.atomic():
        _lock(practice)
        response, _created = IntakeResponse.objects.get_or_create(
            practice=practice,
            client_id=booking.client_id,
            submitted_at__isnull=True,
            defaults={"requested_at": timezone.now()},
        )
    return response


def agreement_publish(
    *, practice: Practice, actor: User, text: str = "", pdf: bytes | None = None
) -> AgreementVersion:
    """Publish the next version: a text, a PDF (already checked by the form) or, with neither,
    no agreement any more. Clients accept the new version before their next session."""
    _require_owner(practice, actor)
    with transaction.atomic():
        _lock(practice)
        version = AgreementVersion(
            practice=practice,
            number=_next_number(AgreementVersion, practice),
            active=bool(text.strip() or pdf),
            text=text if not pdf else "",
        )
        if pdf:
            version.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
            version.pdf.save("agreement.pdf", ContentFile(pdf), save=False)
        version.save()
    return version


def agreement_accept(
    *, version: AgreementVersion, client: User, shown_version_id: int
) -> AgreementAcceptance:
    """Log the client's acceptance of the version they were shown (which must still be in
    force); accepting twice returns the first acceptance."""
    with transaction.atomic():
        _lock(version.practice)
        newest = _require_in_force(
            AgreementVersion, practice_id=version.practice_id, version_id=shown_version_id
        )
        acceptance, _created = AgreementAcceptance.objects.get_or_create(
            version=newest, client=client, revoked_at__isnull=True
        )
    return acceptance


def agreement_revoke(*, practice: Practice, client: User) -> int:
    """The client withdraws every standing acceptance of this practice's agreement. The rows
    stay with the time of revocation (the log of what was agreed when)."""
    with transaction.atomic():
        return AgreementAcceptance.objects.filter(
            version__practice=practice, client=client, revoked_at__isnull=True
        ).update(revoked_at=timezone.now())
