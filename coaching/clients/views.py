"""The coach's client list and a client's page, the message thread, private notes.

Every view that takes an id looks the relationship up through selectors.relationship_for_party
(or _for_coach): anyone who is not one of the two parties gets a 404, staff included, and the
notes views answer only the coach.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coaching.clients import client_rows, selectors, services
from coaching.clients.facts import client_facts, fact_sources
from coaching.clients.forms import (
    ClientSearchForm,
    FileForm,
    MessageForm,
    NoteForm,
    TaskAnswerForm,
    TaskForm,
)
from coaching.clients.guard import upload_view
from coaching.clients.models import PrivateNote, Relationship, Side
from coaching.clients.thread_lines import thread_lines
from sofadoc.http import AuthenticatedHttpRequest


@login_required
@require_GET
def threads(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The person's conversations with their coaches (and, for a coach, the way to clients)."""
    return render(
        request,
        "clients/threads.html",
        {
            "relationships": selectors.relationships_of_client(request.user),
            "practice": selectors.practice_of(request.user),
        },
    )


@login_required
@require_GET
def client_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    practice = selectors.practice_of(request.user)
    if practice is None:
        return redirect("practices:start")
    form = ClientSearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    rows = selectors.ClientList(practice=practice, query=query)
    # Paginator asks ClientList only what it has: count() and one slice.
    paginator: Paginator[dict[str, Any]] = Paginator(rows, selectors.CLIENT_LIST_PAGE_SIZE)  # type: ignore[arg-type]
    page = paginator.get_page(request.GET.get("page"))
    values = list(page.object_list)
    # What the apps beside clients know of them (package balances): one query for the page.
    facts = client_facts(
        practice=practice, client_ids=[row["client_id"] for row in values], now=timezone.now()
    )
    return render(
        request,
        "clients/client_list.html",
        {
            "practice": practice,
            "form": form,
            "page": page,
            "rows": client_rows.client_rows(values, facts),
            "query": query,
            "fact_sources": fact_sources(),
            "active": "clients",
        },
    )


def _client_page(
    request: AuthenticatedHttpRequest,
    relationship: Relationship,
    *,
    note_form: NoteForm | None = None,
    task_form: TaskForm | None = None,
    status: int = 200,
) -> HttpResponse:
    history = list(selectors.client_history(relationship))
    now = timezone.now()
    facts = client_facts(
        practice=relationship.practice, client_ids=[relationship.client_id], now=now
    )
    return render(
        request,
        "clients/client_detail.html",
        {
            "practice": relationship.practice,
            "relationship": relationship,
            "history": history,
            "now": now,
            "fact_columns": facts.get(relationship.client_id, []),
            "notes": selectors.notes_of(relationship),
            "tasks": selectors.tasks_of(relationship),
            "files": selectors.files_of(relationship),
            "note_form": note_form or NoteForm(sessions=history),
            "task_form": task_form or TaskForm(),
            "file_form": FileForm(),
            "active": "clients",
        },
        status=status,
    )


@login_required
@require_GET
def client_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    relationship = selectors.relationship_for_coach(request.user, pk)
    if relationship is None:
        raise Http404
    return _client_page(request, relationship)


# --- Messages ----------------------------------------------------------------------------------
def _thread_page(
    request: AuthenticatedHttpRequest,
    relationship: Relationship,
    side: str,
    *,
    form: MessageForm | None = None,
    status: int = 200,
) -> HttpResponse:
    before = request.GET.get("before")
    page = selectors.thread_page(
        relationship, before=int(before) if before and before.isdigit() else None
    )
    files = list(selectors.files_of(relationship))
    return render(
        request,
        "clients/thread.html",
        {
            "relationship": relationship,
            "side": side,
            "page": page,
            "lines": thread_lines(page.messages, relationship=relationship, side=side, files=files),
            "form": form or MessageForm(),
            # Both are shown to the client only: the coach's page asks for neither.
            "office_hours": (
                selectors.coach_settings_for(relationship.practice).office_hours
                if side == Side.CLIENT
                else ""
            ),
            "tasks": selectors.tasks_of(relationship) if side == Side.CLIENT else None,
            "answer_form": TaskAnswerForm(),
            "files": files,
            "file_form": FileForm(),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
@upload_view
def thread(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    relationship, side = selectors.relationship_for_party(request.user, pk)
    if relationship is None or side is None:
        raise Http404
    if request.method == "POST":
        form = MessageForm(request.POST, request.FILES)
        if not form.is_valid():
            return _thread_page(request, relationship, side, form=form, status=400)
        try:
            services.message_send(
                relationship=relationship,
                sender=request.user,
                text=form.cleaned_data["text"],
                files=form.cleaned_data["attachments"],
            )
        except services.RelationshipError as error:
            form.add_error(None, error.message)
            return _thread_page(request, relationship, side, form=form, status=400)
        return redirect("clients:thread", pk=relationship.pk)
    services.thread_mark_read(relationship=relationship, reader=request.user)
    return _thread_page(request, relationship, side)


# --- Notes (the coach only) ----------------------------------------------------------------------
@login_required
@require_POST
def note_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    relationship = selectors.relationship_for_coach(request.user, pk)
    if relationship is None:
        raise Http404
    history = list(selectors.client_history(relationship))
    form = NoteForm(request.POST, sessions=history)
    if not form.is_valid():
        return _client_page(request, relationship, note_form=form, status=400)
    try:
        services.note_write(
            relationship=relationship,
            actor=request.user,
            text=form.cleaned_data["text"],
            booking_id=form.cleaned_data["booking"],
        )
    except services.RelationshipError as error:
        form.add_error(None, error.message)
        return _client_page(request, relationship, note_form=form, status=400)
    messages.success(request, _("Your note is saved. Only you can read it."))
    return redirect("clients:detail", pk=relationship.pk)


def _own_note(request: AuthenticatedHttpRequest, pk: int) -> PrivateNote:
    note = get_object_or_404(
        PrivateNote.objects.select_related("relationship__practice"),
        pk=pk,
        relationship__practice__owner=request.user,
    )
    return note


@login_required
@require_http_methods(["GET", "POST"])
def note_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    note = _own_note(request, pk)
    form = NoteForm(request.POST or None, initial={"text": note.text})
    form.fields.pop("booking")
    if request.method == "POST":
        if form.is_valid():
            services.note_update(note=note, actor=request.user, text=form.cleaned_data["text"])
            messages.success(request, _("Your note is saved. Only you can read it."))
            return redirect("clients:detail", pk=note.relationship_id)
        status = 400
    else:
        status = 200
    return render(
        request,
        "clients/note_edit.html",
        {"note": note, "form": form, "practice": note.relationship.practice, "active": "clients"},
        status=status,
    )


@login_required
@require_POST
def note_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    note = _own_note(request, pk)
    relationship_id = note.relationship_id
    services.note_delete(note=note, actor=request.user)
    messages.success(request, _("The note is deleted."))
    return redirect("clients:detail", pk=relationship_id)
