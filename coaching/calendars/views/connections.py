""" "Meine Praxis → Kalender": the coach's own connections only (404 for anyone else's)."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from coaching.calendars.forms import CalDAVForm, ConnectionForm, RemoteCalendarForm
from coaching.calendars.models import CalendarConnection, Provider, RemoteCalendar
from coaching.calendars.providers import ProviderError
from coaching.calendars.providers.oauth import APPS
from coaching.calendars.selectors import practice_connections
from coaching.calendars.services import (
    calendar_update,
    connection_create,
    connection_delete,
    connection_sync_now,
    connection_update,
)
from coaching.practices.models import Practice
from coaching.practices.views.setup import own_practice

SESSION_STATE = "calendars:oauth-state"


def _render(request, practice: Practice, caldav_form: CalDAVForm | None = None, status=200):
    context = {
        "practice": practice,
        "active": "calendars",
        "connections": practice_connections(practice_id=practice.pk),
        "caldav_form": caldav_form or CalDAVForm(),
        "oauth": [(name, Provider(name).label, app.configured) for name, app in APPS.items()],
    }
    return render(request, "calendars/settings.html", context, status=status)


@own_practice
@require_http_methods(["GET"])
def calendar_settings(request: HttpRequest, practice: Practice) -> HttpResponse:
    return _render(request, practice)


@own_practice
@require_POST
def caldav_connect(request: HttpRequest, practice: Practice) -> HttpResponse:
    form = CalDAVForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic(durable=True):
                connection_create(
                    practice=practice,
                    actor=request.user,
                    provider=Provider.CALDAV,
                    account_name=f"{data['username']} @ {form.cleaned_data['server_url']}",
                    server_url=data["server_url"],
                    username=data["username"],
                    password=data["password"],
                )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Your calendar is connected. Busy times are read within a minute.")
            )
            return redirect("calendars:settings")
    return _render(request, practice, form, status=400)


def _own_connection(practice: Practice, pk: int) -> CalendarConnection:
    return get_object_or_404(
        CalendarConnection.objects.select_related("practice"), pk=pk, practice=practice
    )


@own_practice
@require_POST
def connection_edit(request: HttpRequest, practice: Practice, pk: int) -> HttpResponse:
    connection = _own_connection(practice, pk)
    form = ConnectionForm(request.POST, instance=CalendarConnection(pk=connection.pk))
    if not form.is_valid():
        messages.error(request, _("Please enter a number of hours between 1 and 72."))
        return redirect("calendars:settings")
    with transaction.atomic(durable=True):
        connection_update(
            connection=connection,
            actor=request.user,
            stale_after_hours=form.cleaned_data["stale_after_hours"],
        )
    messages.success(request, _("Saved."))
    return redirect("calendars:settings")


@own_practice
@require_POST
def connection_sync(request: HttpRequest, practice: Practice, pk: int) -> HttpResponse:
    connection = _own_connection(practice, pk)
    with transaction.atomic(durable=True):
        connection_sync_now(connection=connection, actor=request.user)
    messages.success(request, _("Your calendar is read again within a minute."))
    return redirect("calendars:settings")


@own_practice
@require_POST
def connection_remove(request: HttpRequest, practice: Practice, pk: int) -> HttpResponse:
    connection = _own_connection(practice, pk)
    with transaction.atomic(durable=True):
        connection_delete(connection=connection, actor=request.user)
    messages.success(request, _("The calendar is disconnected; its busy times are deleted."))
    return redirect("calendars:settings")


@own_practice
@require_POST
def calendar_edit(request: HttpRequest, practice: Practice, pk: int) -> HttpResponse:
    calendar = get_object_or_404(
        RemoteCalendar.objects.select_related("connection__practice"),
        pk=pk,
        connection__practice=practice,
    )
    form = RemoteCalendarForm(request.POST)
    form.is_valid()  # three check boxes: always valid
    with transaction.atomic(durable=True):
        calendar_update(
            calendar=calendar,
            actor=request.user,
            counts_as_busy=form.cleaned_data.get("counts_as_busy", False),
            all_day_blocks=form.cleaned_data.get("all_day_blocks", False),
            receives_bookings=form.cleaned_data.get("receives_bookings", False),
        )
    messages.success(request, _("Saved."))
    return redirect("calendars:settings")


def _oauth_app(provider: str):
    app = APPS.get(provider)
    if app is None:
        raise Http404
    return app


def _redirect_uri(request: HttpRequest, provider: str) -> str:
    return request.build_absolute_uri(reverse("calendars:oauth_callback", args=[provider]))


@own_practice
@require_http_methods(["GET"])
def oauth_start(request: HttpRequest, practice: Practice, provider: str) -> HttpResponse:
    app = _oauth_app(provider)
    if not app.configured:
        messages.error(request, _("This calendar service is not available yet."))
        return redirect("calendars:settings")
    state = secrets.token_urlsafe(24)
    request.session[SESSION_STATE] = {"state": state, "provider": provider}
    return redirect(app.consent_url(redirect_uri=_redirect_uri(request, provider), state=state))


@own_practice
@require_http_methods(["GET"])
def oauth_callback(request: HttpRequest, practice: Practice, provider: str) -> HttpResponse:
    app = _oauth_app(provider)
    expected = request.session.pop(SESSION_STATE, None) or {}
    state, code = request.GET.get("state", ""), request.GET.get("code", "")
    if (
        not app.configured
        or expected.get("provider") != provider
        or not state
        or not secrets.compare_digest(state, expected.get("state", ""))
    ):
        messages.error(request, _("The connection could not be confirmed. Please try again."))
        return redirect("calendars:settings")
    if not code:  # the coach declined at the provider
        messages.error(request, _("The calendar was not connected."))
        return redirect("calendars:settings")
    try:
        tokens = app.exchange(code=code, redirect_uri=_redirect_uri(request, provider))
        with transaction.atomic(durable=True):
            connection_create(
                practice=practice,
                actor=request.user,
                provider=provider,
                account_name=getattr(request.user, "email", ""),
                access_token=tokens.access_token,
                refresh_token=tokens.refresh_token,
                token_expires_at=tokens.expires_at,
            )
    except (ProviderError, ValidationError):
        messages.error(request, _("The calendar service did not accept the connection."))
        return redirect("calendars:settings")
    messages.success(request, _("Your calendar is connected. Busy times are read within a minute."))
    return redirect("calendars:settings")
