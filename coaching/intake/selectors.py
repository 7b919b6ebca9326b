"""Reads: the version in force, what a client still owes before a session, the answers a coach
may read. Only the coach of the practice and the client themselves ever get answers from here;
callers check who is asking (views go through the booking's participants)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch, Subquery
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from coaching.bookings.models import Booking, BookingState
from coaching.intake.models import (
    AgreementAcceptance,
    AgreementVersion,
    IntakeAnswer,
    IntakeFormVersion,
    IntakeResponse,
)
from coaching.practices.models import Practice

# Bookings that make someone a client of the practice (paid; a hold or a lapsed hold does not).
RELATIONSHIP_STATES = (BookingState.CONFIRMED, BookingState.COMPLETED, BookingState.NO_SHOW)


def current_intake_form(practice: Practice | int, *, questions: bool = False):
    """The questionnaire in force, or None (never written, or switched off)."""
    versions = IntakeFormVersion.objects.filter(practice=practice).order_by("-number")
    if questions:
        versions = versions.prefetch_related("questions")
    newest = versions.first()
    return newest if newest is not None and newest.active else None


def current_agreement(practice: Practice | int) -> AgreementVersion | None:
    newest = AgreementVersion.objects.filter(practice=practice).order_by("-number").first()
    return newest if newest is not None and newest.active else None


def _intake_open(form, responses: list[IntakeResponse]) -> bool:
    """Due when a questionnaire is in force and the client has answered none, or the coach has
    asked again."""
    if form is None:
        return False
    submitted = [r for r in responses if r.submitted_at is not None]
    return not submitted or any(r.submitted_at is None for r in responses)


def _accepted(agreement, acceptances) -> AgreementAcceptance | None:
    if agreement is None:
        return None
    return next((a for a in acceptances if a.version_id == agreement.pk), None)


@dataclass(frozen=True)
class Missing:
    """Something the client still has to do before a session with this practice."""

    kind: str  # "intake" or "agreement"
    practice_name: str
    url: str
    message: str = ""


def _open_per_practice(client_id: int, practice_ids: Iterable[int]) -> dict[int, tuple[bool, bool]]:
    """practice id -> (questionnaire open, agreement not accepted) for one client, in one query
    for any number of practices (the newest versions and the client's rows as subqueries)."""
    newest_form = IntakeFormVersion.objects.filter(practice=OuterRef("pk")).order_by("-number")
    newest_agreement = AgreementVersion.objects.filter(practice=OuterRef("pk")).order_by("-number")
    newest_agreement_pk = AgreementVersion.objects.filter(
        practice=OuterRef(OuterRef("pk"))
    ).order_by("-number")
    responses = IntakeResponse.objects.filter(practice=OuterRef("pk"), client_id=client_id)
    rows = (
        Practice.objects.filter(pk__in=list(practice_ids))
        .annotate(
            form_active=Subquery(newest_form.values("active")[:1]),
            agreement_active=Subquery(newest_agreement.values("active")[:1]),
            answered=Exists(responses.filter(submitted_at__isnull=False)),
            asked_again=Exists(responses.filter(submitted_at__isnull=True)),
            accepted=Exists(
                AgreementAcceptance.objects.filter(
                    client_id=client_id,
                    revoked_at__isnull=True,
                    version_id=Subquery(newest_agreement_pk.values("pk")[:1]),
                )
            ),
        )
        .values_list("pk", "form_active", "agreement_active", "answered", "asked_again", "accepted")
    )
    return {
        pk: (bool(form) and (not answered or asked_again), bool(agreement) and not accepted)
        for pk, form, agreement, answered, asked_again, accepted in rows
    }


def _missing_items(booking: Booking, intake_open: bool, agreement_open: bool) -> list[Missing]:
    missing = []
    if intake_open:
        missing.append(
            Missing(
                "intake",
                booking.practice.name,
                reverse("intake:answer", args=[booking.reference]),
                str(_("The intake questionnaire is not answered yet.")),
            )
        )
    if agreement_open:
        missing.append(
            Missing(
                "agreement",
                booking.practice.name,
                reverse("intake:agreement", args=[booking.reference]),
                str(_("The coaching agreement is not accepted yet.")),
            )
        )
    return missing


def missing_before_session(booking: Booking) -> list[Missing]:
    """What the booking's client has not done yet: the questionnaire (if the coach asks one and
    it is open) and the agreement in force (if the coach has one). One query."""
    if booking.client_id is None:
        return []
    state = _open_per_practice(booking.client_id, [booking.practice_id])
    return _missing_items(booking, *state.get(booking.practice_id, (False, False)))


def missing_for_bookings(client, bookings: Iterable[Booking]) -> list[Missing]:
    """For "Meine Sitzungen": what is open per practice among these (upcoming) bookings, once per
    practice, linked from its next booking. One query for any number of practices."""
    first_per_practice: dict[int, Booking] = {}
    for booking in sorted(bookings, key=lambda b: b.start):
        if booking.state == BookingState.CONFIRMED:
            first_per_practice.setdefault(booking.practice_id, booking)
    if not first_per_practice:
        return []
    state = _open_per_practice(client.pk, first_per_practice)
    missing = []
    for practice_id, booking in first_per_practice.items():
        missing += _missing_items(booking, *state.get(practice_id, (False, False)))
    return missing


@dataclass
class AnsweredIntake:
    response: IntakeResponse
    items: list[tuple[object, str]] = field(default_factory=list)  # (question, answer)


def intake_answers_for(practice: Practice | int, client) -> list[AnsweredIntake]:
    """Every questionnaire the client answered for this practice, newest first, each with its
    questions (of the version answered) and answers in the questionnaire's order. For the
    practice's coach and the client only. Two queries."""
    answers = IntakeAnswer.objects.select_related("question").order_by("question__position")
    responses = (
        IntakeResponse.objects.filter(practice=practice, client=client, submitted_at__isnull=False)
        .select_related("version")
        .prefetch_related(Prefetch("answers", queryset=answers))
        .order_by("-submitted_at", "-pk")
    )
    return [AnsweredIntake(r, [(a.question, a.value) for a in r.answers.all()]) for r in responses]


@dataclass
class BookingPanel:
    """What the booking page shows about intake and agreement, for its coach or its client."""

    role: str
    missing: list[Missing]
    answered: list[AnsweredIntake]
    intake_open_request: bool
    agreement: AgreementVersion | None
    acceptance: AgreementAcceptance | None
    asks_intake: bool


def booking_panel(booking: Booking, *, role: str) -> BookingPanel | None:
    """The panel for the booking's coach ("coach") or client ("client"); None for anyone else
    (staff reading a booking see neither answers nor their state)."""
    if role not in ("coach", "client") or booking.client_id is None:
        return None
    form = current_intake_form(booking.practice_id)
    responses = list(
        IntakeResponse.objects.filter(practice_id=booking.practice_id, client_id=booking.client_id)
    )
    agreement = current_agreement(booking.practice_id)
    acceptances = list(
        AgreementAcceptance.objects.filter(
            version__practice_id=booking.practice_id,
            client_id=booking.client_id,
            revoked_at__isnull=True,
        )
    )
    answered = []
    if role == "coach" and any(r.submitted_at for r in responses):
        answered = intake_answers_for(booking.practice_id, booking.client_id)
    return BookingPanel(
        role=role,
        missing=_missing_items(
            booking,
            _intake_open(form, responses),
            agreement is not None and _accepted(agreement, acceptances) is None,
        ),
        answered=answered,
        intake_open_request=any(r.submitted_at is None for r in responses),
        agreement=agreement,
        acceptance=_accepted(agreement, acceptances),
        asks_intake=form is not None,
    )


def client_of_practice(user, practice_id: int) -> bool:
    return Booking.objects.filter(
        practice_id=practice_id, client=user, state__in=RELATIONSHIP_STATES
    ).exists()


def client_acceptances(practice: Practice | int, client) -> list[AgreementAcceptance]:
    """The client's log for this practice's agreement, newest first (accepted and revoked)."""
    return list(
        AgreementAcceptance.objects.filter(version__practice=practice, client=client)
        .select_related("version")
        .order_by("-accepted_at")
    )
