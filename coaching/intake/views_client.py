"""The client's side: answering the questionnaire and accepting (or revoking) the agreement,
reached from one of their own bookings. Anyone else, the coach and staff included, gets a 404:
the answers are the client's to give. The agreement's PDF goes to the coach and their clients.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coaching.bookings.models import Booking
from coaching.intake.forms import AcceptForm, AnswerForm
from coaching.intake.models import AgreementVersion
from coaching.intake.selectors import (
    RELATIONSHIP_STATES,
    client_acceptances,
    client_of_practice,
    current_agreement,
    current_intake_form,
    intake_answers_for,
    missing_before_session,
)
from coaching.intake.services import (
    VersionChanged,
    agreement_accept,
    agreement_revoke,
    intake_answer_submit,
)
from sofadoc.http import AuthenticatedHttpRequest


def _own_booking(request: AuthenticatedHttpRequest, reference: str) -> Booking:
    booking = (
        Booking.objects.select_related("practice")
        .filter(reference=reference, client=request.user, state__in=RELATIONSHIP_STATES)
        .first()
    )
    if booking is None:
        raise Http404
    return booking


@login_required
@require_http_methods(["GET", "POST"])
def intake_answer(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    booking = _own_booking(request, reference)
    version = current_intake_form(booking.practice_id, questions=True)
    still_open = any(m.kind == "intake" for m in missing_before_session(booking))
    if version is None or (request.method == "POST" and not still_open):
        messages.info(request, _("There is no questionnaire to answer for this session."))
        return redirect("bookings:detail", booking.reference)
    form = AnswerForm(request.POST or None, version=version)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                with transaction.atomic(durable=True):
                    intake_answer_submit(
                        practice=booking.practice,
                        client=request.user,
                        version=version,
                        answers=form.answers(),
                    )
            except VersionChanged:
                messages.error(
                    request, _("The questionnaire has just changed. Please answer it again.")
                )
                return redirect("intake:answer", booking.reference)
            except ValidationError as error:
                messages.error(request, error.messages[0])
                return redirect("intake:answer", booking.reference)
            messages.success(request, _("Thank you. Your answers are with your coach."))
            return redirect("bookings:detail", booking.reference)
        status = 400
    context = {
        "booking": booking,
        "form": form,
        "version": version,
        "still_open": still_open,
        # Once answered, the client reads what they gave (their own data) instead of the form.
        "answered": [] if still_open else intake_answers_for(booking.practice_id, request.user),
    }
    return render(request, "intake/answer.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def agreement_view(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    booking = _own_booking(request, reference)
    agreement = current_agreement(booking.practice_id)
    history = client_acceptances(booking.practice_id, request.user)
    accepted = agreement is not None and any(
        a.version_id == agreement.pk and a.revoked_at is None for a in history
    )
    form = AcceptForm(request.POST or None, initial={"version": agreement and agreement.pk})
    status = 200
    if request.method == "POST":
        if agreement is None:
            raise Http404
        if form.is_valid():
            try:
                with transaction.atomic(durable=True):
                    agreement_accept(
                        version=agreement,
                        client=request.user,
                        shown_version_id=form.cleaned_data["version"],
                    )
            except VersionChanged:
                messages.error(
                    request, _("The agreement has just changed. Please read the new version.")
                )
                return redirect("intake:agreement", booking.reference)
            messages.success(request, _("You accepted the coaching agreement."))
            return redirect("bookings:detail", booking.reference)
        status = 400
    context = {
        "booking": booking,
        "agreement": agreement,
        "accepted": accepted,
        "history": history,
        "form": form,
    }
    return render(request, "intake/agreement.html", context, status=status)


@login_required
@require_POST
def agreement_revoke_view(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    booking = _own_booking(request, reference)
    with transaction.atomic(durable=True):
        revoked = agreement_revoke(practice=booking.practice, client=request.user)
    if revoked:
        messages.success(
            request,
            _("You revoked your acceptance. Your coach sees that it is missing."),
        )
    return redirect("intake:agreement", booking.reference)


@login_required
@require_GET
def agreement_pdf(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """The PDF of an agreement version, for its coach and the practice's clients only."""
    version = get_object_or_404(AgreementVersion.objects.select_related("practice"), pk=pk)
    is_coach = version.practice.owner_id == request.user.pk
    if not version.pdf or not (is_coach or client_of_practice(request.user, version.practice_id)):
        raise Http404
    return FileResponse(
        version.pdf.open("rb"),
        as_attachment=True,
        filename=f"coaching-agreement-v{version.number}.pdf",
        content_type="application/pdf",
    )
