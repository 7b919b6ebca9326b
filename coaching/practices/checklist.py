"""The setup checklist: what a practice still needs before it can be published.

Apps built on top of practices add their own step from their AppConfig.ready() (practices
imports none of them), the way they report busy time:

    register_checklist_step(calendar_step)   # (practice) -> Step | None, appended in order
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.db.models import Exists, OuterRef
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from coaching.practices.gates import payment_gate_registered, practices_taking_payments
from coaching.practices.models import Practice, SessionType, WeeklyHours


@dataclass(frozen=True)
class Step:
    key: str
    title: Promise
    hint: Promise
    done: bool
    required: bool
    url_name: str | None
    # Something that worked stopped working (a calendar connection): shown in red.
    problem: str = ""


ExtraStep = Callable[[Practice], "Step | None"]
_extra_steps: list[ExtraStep] = []


def register_checklist_step(step: ExtraStep) -> ExtraStep:
    if step not in _extra_steps:
        _extra_steps.append(step)
    return step


def practice_checklist(*, practice: Practice) -> list[Step]:
    """Every setup step in order, with whether it is done; one query (two with payments)."""
    facts = (
        Practice.objects.filter(pk=practice.pk)
        .annotate(
            has_types=Exists(SessionType.objects.filter(practice=OuterRef("pk"), is_active=True)),
            has_paid_types=Exists(
                SessionType.objects.filter(practice=OuterRef("pk"), is_active=True, price__gt=0)
            ),
            has_hours=Exists(WeeklyHours.objects.filter(practice=OuterRef("pk"))),
            has_specialty=Exists(
                Practice.specialties.through.objects.filter(practice=OuterRef("pk"))
            ),
            has_language=Exists(Practice.languages.through.objects.filter(practice=OuterRef("pk"))),
            email_verified=Exists(
                EmailAddress.objects.filter(user=OuterRef("owner"), verified=True)
            ),
        )
        .values(
            "has_types",
            "has_hours",
            "has_specialty",
            "has_language",
            "email_verified",
            "has_paid_types",
        )
        .get()
    )
    steps = [
        Step(
            "email",
            _("Confirm your e-mail address"),
            _("Use the link in the e-mail we sent you."),
            facts["email_verified"],
            True,
            "account_email",
        ),
        Step(
            "profile",
            _("Describe your practice"),
            _("Name, web address, a headline and a few sentences about you."),
            bool(practice.headline.strip() and practice.bio.strip()),
            True,
            "practices:profile",
        ),
        Step(
            "topics",
            _("Topics and languages"),
            _("At least one specialty and one language you coach in."),
            facts["has_specialty"] and facts["has_language"],
            True,
            "practices:profile",
        ),
        Step(
            "photo",
            _("Add a photo"),
            _("Clients book people they can see. Recommended, not required."),
            bool(practice.photo),
            False,
            "practices:photo",
        ),
        Step(
            "session_types",
            _("Offer a session type"),
            _("Name, duration and price of at least one bookable session."),
            facts["has_types"],
            True,
            "practices:session_types",
        ),
        Step(
            "hours",
            _("Set your weekly hours"),
            _("When clients can book you, in your practice's time zone."),
            facts["has_hours"],
            True,
            "practices:hours",
        ),
        Step(
            "billing",
            _("Add your receipt details"),
            _("Name, address and tax number for the receipts your clients get."),
            practice.has_issuer_details,
            True,
            "practices:billing",
        ),
        Step(
            "rules",
            _("Check your booking rules"),
            _("Minimum notice, buffers and the free cancellation window (defaults are set)."),
            True,
            False,
            "practices:rules",
        ),
        Step(
            "time_off",
            _("Plan time off"),
            _("Holidays and other days without sessions."),
            practice.time_off.exists(),
            False,
            "practices:time_off",
        ),
    ]
    if payment_gate_registered():
        # Paid sessions need a way to be paid: required as soon as one is offered.
        paypal = Step(
            "paypal",
            _("Connect PayPal"),
            _("Clients pay you directly into your own PayPal business account."),
            practice.pk in practices_taking_payments([practice.pk]),
            facts["has_paid_types"],
            "payments_coach:onboarding",
        )
        steps.insert(next(i for i, s in enumerate(steps) if s.key == "billing") + 1, paypal)
    steps.extend(step for extra in _extra_steps if (step := extra(practice)) is not None)
    return steps


def practice_missing_for_publishing(*, practice: Practice) -> list[str]:
    """Titles of the required steps not yet done; empty when the practice may be published."""
    return [
        str(step.title)
        for step in practice_checklist(practice=practice)
        if step.required and not step.done
    ]
