"""The coach's room settings: the waiting room note, automatic admission, the no-show rule."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from coaching.practices.models import Practice
from coaching.practices.views.setup import own_practice
from coaching.video import attendance_rules as rules
from coaching.video.admission import room_settings, room_settings_update
from coaching.video.forms import RoomSettingsForm


@own_practice
@require_http_methods(["GET", "POST"])
def room_settings_edit(request: HttpRequest, practice: Practice) -> HttpResponse:
    form = RoomSettingsForm(request.POST or None, instance=room_settings(practice.pk))
    if request.method == "POST" and form.is_valid():
        with transaction.atomic(durable=True):
            room_settings_update(
                practice=practice,
                waiting_note=form.cleaned_data["waiting_note"],
                auto_admit=form.cleaned_data["auto_admit"],
                percent=form.cleaned_data["no_show_refund_percent"],
            )
        messages.success(request, _("Your video room settings are saved."))
        return redirect("video:settings")
    context = {
        "form": form,
        "practice": practice,
        "active": "video",
        "title": _("Video room"),
        "intro": _(
            "Clients who come early wait in the waiting room until you let them in. A client "
            "who has not come %(minutes)s minutes after the start can be marked as a no-show; "
            "your rule below decides what they get back. Sessions are never recorded."
        )
        % {"minutes": rules.CLIENT_WAIT_MINUTES},
    }
    status = 400 if form.errors else 200
    return render(request, "practices/setup/form_step.html", context, status=status)
