"""Tasks, files, the coach's settings and ending a relationship.

Downloads are served only through a signed link made for the viewer (links.py), only to one of
the two parties, always as an attachment with the type decided at upload and a sandboxing CSP,
so nothing uploaded is ever shown or run as a page of this site.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coaching.clients import selectors, services
from coaching.clients.forms import CoachSettingsForm, FileForm, TaskAnswerForm, TaskForm
from coaching.clients.guard import upload_view
from coaching.clients.links import file_token_load
from coaching.clients.models import Relationship, SharedFile, Side, Task
from coaching.clients.views import _client_page, _thread_page
from sofadoc.http import AuthenticatedHttpRequest


def _back(relationship: Relationship, side: str) -> HttpResponseRedirect:
    if side == Side.COACH:
        return redirect("clients:detail", pk=relationship.pk)
    return redirect("clients:thread", pk=relationship.pk)


# --- Tasks -------------------------------------------------------------------------------------
@login_required
@require_POST
@upload_view
def task_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    relationship = selectors.relationship_for_coach(request.user, pk)
    if relationship is None:
        raise Http404
    form = TaskForm(request.POST, request.FILES)
    if not form.is_valid():
        return _client_page(request, relationship, task_form=form, status=400)
    try:
        services.task_give(
            relationship=relationship,
            actor=request.user,
            title=form.cleaned_data["title"],
            description=form.cleaned_data["description"],
            due_date=form.cleaned_data["due_date"],
            file=form.cleaned_data["file"],
        )
    except services.RelationshipError as error:
        form.add_error(None, error.message)
        return _client_page(request, relationship, task_form=form, status=400)
    messages.success(request, _("The task is shared with your client."))
    return redirect("clients:detail", pk=relationship.pk)


@login_required
@require_POST
def task_answer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(
        Task.objects.select_related("relationship__practice__owner", "relationship__client"),
        pk=pk,
        relationship__client=request.user,
    )
    relationship = task.relationship
    form = TaskAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return _thread_page(request, relationship, Side.CLIENT, status=400)
    try:
        services.task_answer(
            task=task,
            actor=request.user,
            answer=form.cleaned_data["answer"],
            done=form.cleaned_data["done"],
        )
    except services.RelationshipError as error:
        messages.error(request, error.message)
        return _thread_page(request, relationship, Side.CLIENT, status=400)
    messages.success(request, _("Your answer is saved."))
    return redirect("clients:thread", pk=relationship.pk)


# --- Files -------------------------------------------------------------------------------------
@login_required
@require_POST
@upload_view
def file_upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    relationship, side = selectors.relationship_for_party(request.user, pk)
    if relationship is None or side is None:
        raise Http404
    form = FileForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.file_add(
                relationship=relationship, actor=request.user, file=form.cleaned_data["file"]
            )
        except services.RelationshipError as error:
            form.add_error(None, error.message)
    if not form.is_valid() or form.errors:
        for errors in form.errors.values():
            for problem in errors:
                messages.error(request, str(problem))
        if side == Side.COACH:
            return _client_page(request, relationship, status=400)
        return _thread_page(request, relationship, side, status=400)
    messages.success(request, _("The file is shared."))
    return _back(relationship, side)


def _party_file(request: AuthenticatedHttpRequest, pk: int) -> tuple[SharedFile, str]:
    shared = (
        SharedFile.objects.select_related("relationship__practice", "relationship__client")
        .filter(pk=pk)
        .first()
    )
    side = shared.relationship.side_of(request.user) if shared else None
    if shared is None or side is None:
        raise Http404
    return shared, side


@login_required
@require_GET
def file_download(request: AuthenticatedHttpRequest, token: str) -> FileResponse:
    data = file_token_load(token)
    if not data or data.get("u") != request.user.pk or not isinstance(data.get("f"), int):
        raise Http404
    shared, _side = _party_file(request, data["f"])
    try:
        handle = shared.file.open("rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404 from error
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=shared.original_name,
        content_type=shared.content_type,
    )
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def file_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    shared, side = _party_file(request, pk)
    relationship = shared.relationship
    try:
        services.file_delete(shared=shared, actor=request.user)
    except services.RelationshipError as error:
        messages.error(request, error.message)
        return _back(relationship, side)
    messages.success(request, _("The file is deleted."))
    return _back(relationship, side)


# --- Ending, settings --------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def relationship_end(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    relationship, side = selectors.relationship_for_party(request.user, pk)
    if relationship is None or side is None:
        raise Http404
    if request.method == "POST":
        services.relationship_end(relationship=relationship, actor=request.user)
        messages.success(
            request,
            _(
                "The coaching relationship has ended. Messages and files can still be read "
                "until they are deleted."
            ),
        )
        return _back(relationship, side)
    keep = selectors.coach_settings_for(relationship.practice).keep_days_after_end
    return render(
        request,
        "clients/relationship_end.html",
        {"relationship": relationship, "side": side, "keep_days": keep},
    )


@login_required
@require_http_methods(["GET", "POST"])
def coach_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    practice = selectors.practice_of(request.user)
    if practice is None:
        return redirect("practices:start")
    current = selectors.coach_settings_for(practice)
    form = CoachSettingsForm(
        request.POST or None,
        initial={
            "office_hours": current.office_hours,
            "keep_days_after_end": current.keep_days_after_end,
        },
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            services.coach_settings_update(
                practice=practice, actor=request.user, **form.cleaned_data
            )
            messages.success(request, _("Your settings are saved."))
            return redirect("clients:settings")
        status = 400
    return render(
        request,
        "clients/coach_settings.html",
        {"form": form, "practice": practice, "active": "client_settings"},
        status=status,
    )
