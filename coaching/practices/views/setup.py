""" "Praxis einrichten": the coach's own practice, step by step. Only ever the requester's."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from coaching.practices.booked import sessions_on_days, time_off_with_sessions
from coaching.practices.checklist import practice_checklist
from coaching.practices.forms import (
    BillingForm,
    PhotoForm,
    PracticeProfileForm,
    PracticeStartForm,
    RulesForm,
    SessionTypeForm,
    TimeOffForm,
    WeeklyHoursForm,
)
from coaching.practices.models import Practice, SessionType
from coaching.practices.services import (
    PublishBlocked,
    practice_create,
    practice_publish,
    practice_remove_photo,
    practice_set_photo,
    practice_unpublish,
    practice_update,
    session_type_save,
    time_off_add,
    time_off_remove,
    weekly_hours_replace,
)
from sofadoc.http import AuthenticatedHttpRequest


def own_practice(view):
    """Pass the signed-in person's practice; send them to the start form if they have none."""

    @login_required
    @wraps(view)
    def wrapper(request: AuthenticatedHttpRequest, *args, **kwargs) -> HttpResponse:
        practice = Practice.objects.filter(owner=request.user).first()
        if practice is None:
            return redirect("practices:start")
        return view(request, practice, *args, **kwargs)

    return wrapper


@login_required
@require_http_methods(["GET", "POST"])
def practice_start(request: AuthenticatedHttpRequest) -> HttpResponse:
    if Practice.objects.filter(owner=request.user).exists():
        return redirect("practices:setup")
    initial = {"time_zone": request.user.time_zone or "Europe/Berlin"}
    form = PracticeStartForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic(durable=True):
            practice_create(owner=request.user, **form.cleaned_data)
        messages.success(request, _("Your practice is created. Next, describe it for clients."))
        return redirect("practices:setup")
    return render(request, "practices/setup/start.html", {"form": form})


@own_practice
@require_http_methods(["GET"])
def practice_setup(request: AuthenticatedHttpRequest, practice: Practice) -> HttpResponse:
    steps = practice_checklist(practice=practice)
    missing = [step for step in steps if step.required and not step.done]
    context = {"practice": practice, "steps": steps, "missing": missing, "active": "setup"}
    return render(request, "practices/setup/checklist.html", context)


@own_practice
@require_http_methods(["GET", "POST"])
def practice_profile(request: AuthenticatedHttpRequest, practice: Practice) -> HttpResponse:
    form = PracticeProfileForm(request.POST or None, instance=practice)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        specialties, languages = data.pop("specialties"), data.pop("languages")
        with transaction.atomic(durable=True):
            practice_update(
                practice=practice,
                actor=request.user,
                fields=data,
                specialties=specialties,
                languages=languages,
            )
        messages.success(request, _("Your profile is saved."))
        return redirect("practices:setup")
    context = {
        "form": form,
        "practice": practice,
        "title": _("Profile"),
        "intro": _("This is what clients see on your page. Plain text; line breaks are kept."),
    }
    return _step(request, "profile", context, template="form_step")


@own_practice
@require_http_methods(["GET", "POST"])
def practice_photo(request: AuthenticatedHttpRequest, practice: Practice) -> HttpResponse:
    form = PhotoForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and "remove" in request.POST:
        with transaction.atomic(durable=True):
            practice_remove_photo(practice=practice, actor=request.user)
        messages.success(request, _("Your photo is removed."))
        return redirect("practices:photo")
    if request.method == "POST" and form.is_valid():
        with transaction.atomic(durable=True):
            practice_set_photo(
                practice=practice, actor=request.user, photo=form.cleaned_data["photo"]
            )
        messages.success(request, _("Your photo is saved."))
        return redirect("practices:setup")
    return _step(request, "photo", {"form": form, "practice": practice})


@own_practice
@require_http_methods(["GET"])
def session_type_list(request: AuthenticatedHttpRequest, practice: Practice) -> HttpResponse:
    session_types = practice.session_types.all()
    return _step(request, "session_types", {"practice": practice, "session_types": session_types})


@own_practice
@require_http_methods(["GET", "POST"])
def session_type_edit(
    request: AuthenticatedHttpRequest, practice: Practice, pk: int | None = None
) -> HttpResponse:
    # Looked up inside the requester's practice: another coach's id is a 404, not a leak.
    instance = (
        get_object_or_404(SessionType, pk=pk, practice=practice)
        if pk
        else SessionType(practice=practice)
    )
    form = SessionTypeForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic(durable=True):
                session_type_save(session_type=form.instance, actor=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The session type is saved."))
            return redirect("practices:session_types")
    return _step(
        request,
        "session_types",
        {"practice": practice, "form": form, "session_type": instance},
        template="session_type_form",
    )


@own_practice
@require_http_methods(["GET", "POST"])
def practice_hours(request: AuthenticatedHttpRequest, practice: Practice) -> HttpResponse:
    form = WeeklyHoursForm(request.POST or None, practice=practice)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic(durable=True):
                weekly_hours_replace(practice=practice, actor=request.user, openings=form.openings)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your weekly hours are saved."))
            return redirect("practices:setup")
    return _step(request, "hours", {"practice": practice, "form": form})


@own_practice
@require_http_methods(["GET", "POST"])
def practice_rules(request: AuthenticatedHttpRequest, practice: Practice) -> HttpResponse:
    return _practice_fields_step(
        request,
        practice,
        RulesForm,
        active="rules",
        title=_("Booking rules"),
        intro=_(
            "These rules decide which times clients can book and whether a cancellation is "
            "refunded in full."
        ),
        saved=_("Your booking rules are saved."),
    )


@own_practice
@require_http_methods(["GET", "POST"])
def practice_billing(request: AuthenticatedHttpRequest, practice: Practice) -> HttpResponse:
    return _practice_fields_step(
        request,
        practice,
        BillingForm,
        active="billing",
        title=_("Receipt details"),
        intro=_(
            "Your clients pay you; SofaDoc issues their receipts in your name with these details."
        ),
        saved=_("Your receipt details are saved."),
    )


def _practice_fields_step(request, practice, form_class, *, active, title, intro, saved):
    """A step that edits some of the practice's own fields and goes back to the checklist."""
    form = form_class(request.POST or None, instance=practice)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic(durable=True):
            practice_update(practice=practice, actor=request.user, fields=form.cleaned_data)
        messages.success(request, saved)
        return redirect("practices:setup")
    context = {"practice": practice, "form": form, "title": title, "intro": intro}
    return _step(request, active, context, template="form_step")


@own_practice
@require_http_methods(["GET", "POST"])
def practice_time_off(request: AuthenticatedHttpRequest, practice: Practice) -> HttpResponse:
    """Days off. Booked sessions on those days stay booked: before saving, the coach is shown
    which ones and saves anyway (keeping them) or changes the days; after saving, each stretch
    of time off lists the sessions still on it, with links to move or cancel them."""
    form = TimeOffForm(request.POST or None)
    covered: list = []
    if request.method == "POST" and form.is_valid():
        days = form.cleaned_data
        covered = sessions_on_days(
            practice=practice,
            first_day=days["first_day"],
            last_day=days["last_day"],
            now=timezone.now(),
        )
        if not covered or request.POST.get("sessions") == "keep":
            with transaction.atomic(durable=True):
                time_off_add(practice=practice, actor=request.user, **form.cleaned_data)
            if covered:
                messages.warning(
                    request,
                    ngettext(
                        "Your time off is saved. %(n)d booked session falls on these days: "
                        "move or cancel it below.",
                        "Your time off is saved. %(n)d booked sessions fall on these days: "
                        "move or cancel them below.",
                        len(covered),
                    )
                    % {"n": len(covered)},
                )
            else:
                messages.success(request, _("Your time off is saved."))
            return redirect("practices:time_off")
    time_off = time_off_with_sessions(
        practice=practice, time_off=list(practice.time_off.all()), now=timezone.now()
    )
    context = {"practice": practice, "form": form, "time_off": time_off, "covered": covered}
    return _step(request, "time_off", context, status=409 if covered else 200)


@own_practice
@require_POST
def practice_time_off_delete(
    request: AuthenticatedHttpRequest, practice: Practice, pk: int
) -> HttpResponse:
    get_object_or_404(practice.time_off, pk=pk)
    with transaction.atomic(durable=True):
        time_off_remove(practice=practice, actor=request.user, time_off_id=pk)
    messages.success(request, _("The time off is removed."))
    return redirect("practices:time_off")


@own_practice
@require_POST
def practice_publish_toggle(request: AuthenticatedHttpRequest, practice: Practice) -> HttpResponse:
    if request.POST.get("action") == "unpublish":
        with transaction.atomic(durable=True):
            practice_unpublish(practice=practice, actor=request.user)
        messages.success(request, _("Your practice is hidden from the directory."))
        return redirect("practices:setup")
    try:
        with transaction.atomic(durable=True):
            practice_publish(practice=practice, actor=request.user)
    except PublishBlocked as blocked:
        messages.error(
            request,
            _("Before publishing, please complete: %(steps)s.")
            % {"steps": ", ".join(blocked.missing)},
        )
        return redirect("practices:setup")
    messages.success(request, _("Your practice is published. Clients can find and book you now."))
    return redirect("practices:setup")


def _step(
    request, active: str, context: dict, *, template: str | None = None, status: int = 200
) -> HttpResponse:
    context = {**context, "active": active}
    return render(request, f"practices/setup/{template or active}.html", context, status=status)
