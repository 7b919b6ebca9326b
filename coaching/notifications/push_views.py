"""Web push: the browser's subscription comes in as JSON from static/js/push.js; the device list
in the notification settings switches reminders and messages per device, or removes it."""

import json
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST

from coaching.notifications import push
from sofadoc.http import AuthenticatedHttpRequest

SERVICE_WORKER = Path(settings.BASE_DIR) / "static" / "js" / "sw.js"


@require_GET
@cache_control(max_age=0, no_cache=True)
def service_worker(request: HttpRequest) -> HttpResponse:
    """Served from the site's root so the worker may show pushes for every page."""
    return HttpResponse(SERVICE_WORKER.read_bytes(), content_type="text/javascript")


@login_required
@require_POST
def push_subscribe(request: AuthenticatedHttpRequest) -> JsonResponse:
    if not push.push_configured():
        return JsonResponse({"error": _("Push messages are not available.")}, status=404)
    try:
        data = json.loads(request.body or b"{}")
        keys = data.get("keys") or {}
        subscription = push.push_subscribe(
            user=request.user,
            endpoint=str(data.get("endpoint") or ""),
            p256dh=str(keys.get("p256dh") or ""),
            auth=str(keys.get("auth") or ""),
        )
    except (ValueError, AttributeError) as error:  # JSON, shape, or push.PushRefused
        message = str(error) if isinstance(error, push.PushRefused) else _("Invalid request.")
        return JsonResponse({"error": message}, status=400)
    return JsonResponse({"id": subscription.pk, "service": subscription.service}, status=201)


@login_required
@require_POST
def push_unsubscribe(request: AuthenticatedHttpRequest) -> JsonResponse:
    """The browser's own unsubscribe (the script calls it before PushManager.unsubscribe)."""
    try:
        endpoint = str(json.loads(request.body or b"{}").get("endpoint") or "")
    except (ValueError, AttributeError):
        return JsonResponse({"error": _("Invalid request.")}, status=400)
    return JsonResponse({"removed": push.push_remove(user=request.user, endpoint=endpoint)})


@login_required
@require_POST
def push_device(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Per device: what it shows, or remove it. Another person's device is not found."""
    if "remove" in request.POST:
        done = push.push_remove(user=request.user, pk=pk)
    else:
        done = push.push_update(
            user=request.user,
            pk=pk,
            reminders="reminders" in request.POST,
            messages="messages" in request.POST,
        )
    if not done:
        return HttpResponse(_("No such device."), status=404)
    messages.success(request, _("Your notification settings have been saved."))
    return redirect("notifications:preferences")
