""" "Meine Praxis": the coach's questionnaire and agreement, and asking a client again.

Only ever the requester's own practice (`own_practice`); a booking of another practice is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from coaching.bookings.models import Booking
from coaching.intake.forms import AgreementForm, QuestionFormSet, question_initial
from coaching.intake.models import MAX_QUESTIONS
from coaching.intake.selectors import current_agreement, current_intake_form
from coaching.intake.services import agreement_publish, intake_form_publish, intake_request_again
from coaching.practices.models import Practice
from coaching.practices.views.setup import own_practice
from sofadoc.http import AuthenticatedHttpRequest


@own_practice
@require_http_methods(["GET", "POST"])
def intake_form_edit(request: AuthenticatedHttpRequest, practice: Practice) -> HttpResponse:
    form_in_force = current_intake_form(practice, questions=True)
    if request.method == "POST" and "switch_off" in request.POST:
        with transaction.atomic(durable=True):
            intake_form_publish(practice=practice, actor=request.user, questions=[])
        messages.success(request, _("The questionnaire is switched off; answers stay readable."))
        return redirect("intake:form_edit")
    formset = QuestionFormSet(
        request.POST or None, initial=question_initial(form_in_force), prefix="q"
    )
    status = 200
    if request.method == "POST":
        if formset.is_valid() and formset.questions():  # type: ignore[attr-defined]
            with transaction.atomic(durable=True):
                version = intake_form_publish(
                    practice=practice,
                    actor=request.user,
                    questions=formset.questions(),  # type: ignore[attr-defined]
                )
            messages.success(
                request,
                _("Version %(number)s of your questionnaire is published.")
                % {"number": version.number},
            )
            return redirect("intake:form_edit")
        if formset.is_valid():
            messages.error(request, _("Please write at least one question."))
        status = 400
    context = {
        "practice": practice,
        "formset": formset,
        "form_in_force": form_in_force,
        "max_questions": MAX_QUESTIONS,
        "active": "intake",
    }
    return render(request, "intake/form_edit.html", context, status=status)


@own_practice
@require_http_methods(["GET", "POST"])
def agreement_edit(request: AuthenticatedHttpRequest, practice: Practice) -> HttpResponse:
    in_force = current_agreement(practice)
    if request.method == "POST" and "remove" in request.POST:
        with transaction.atomic(durable=True):
            agreement_publish(practice=practice, actor=request.user)
        messages.success(request, _("Clients no longer need to accept an agreement."))
        return redirect("intake:agreement_edit")
    initial = {"text": in_force.text} if in_force else {}
    form = AgreementForm(request.POST or None, request.FILES or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            text, pdf = form.content()
            with transaction.atomic(durable=True):
                version = agreement_publish(
                    practice=practice, actor=request.user, text=text, pdf=pdf
                )
            messages.success(
                request,
                _(
                    "Version %(number)s of your agreement is published. Clients accept it "
                    "before their next session."
                )
                % {"number": version.number},
            )
            return redirect("intake:agreement_edit")
        status = 400
    context = {"practice": practice, "form": form, "in_force": in_force, "active": "agreement"}
    return render(request, "intake/agreement_edit.html", context, status=status)


@login_required
@require_POST
def intake_ask_again(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    booking = (
        Booking.objects.select_related("practice")
        .filter(reference=reference, practice__owner=request.user)
        .first()
    )
    if booking is None:
        raise Http404
    try:
        with transaction.atomic(durable=True):
            intake_request_again(booking=booking, actor=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("bookings:detail", booking.reference)
    messages.success(request, _("The client is asked to answer the questionnaire again."))
    return redirect("bookings:detail", booking.reference)
