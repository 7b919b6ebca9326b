"""The join page, its token endpoint, and Twilio's status callbacks.

Anyone but the booking's client and coach gets a 404 (staff too: a session is private).
"""

from __future__ import annotations

from csp.decorators import csp_update
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from coaching.bookings.models import Booking, BookingState, Role
from coaching.video import twilio
from coaching.video.forms import RoomCallbackForm
from coaching.video.services import (
    JoinRefused,
    attendance_correct,
    join_window,
    video_join,
    video_preflight_token,
    video_record_event,
)
from sofadoc.http import AuthenticatedHttpRequest


def _participant(request: HttpRequest, reference: str) -> tuple[Booking, str]:
    booking = (
        Booking.objects.select_related("practice", "practice__owner", "client")
        .filter(reference=reference)
        .first()
    )
    if booking is None:
        raise Http404
    if booking.client_id == request.user.pk:
        return booking, Role.CLIENT
    if booking.practice.owner_id == request.user.pk:
        return booking, Role.COACH
    raise Http404


# What twilio-video's browser SDK connects to (signalling and call insights), on this page only.
TWILIO_CONNECT = [
    "wss://global.vss.twilio.com",
    "wss://sdkgw.us1.twilio.com",
    "https://ecs.us1.twilio.com",
]


@login_required
@require_GET
@csp_update({"connect-src": TWILIO_CONNECT})  # type: ignore[arg-type]
def join_page(request: HttpRequest, reference: str) -> HttpResponse:
    booking, role = _participant(request, reference)
    opens, closes = join_window(booking)
    now = timezone.now()
    state = "open"
    if booking.state != BookingState.CONFIRMED:
        state = "closed"
    elif now < opens:
        state = "early"
    elif now >= closes:
        state = "over"
    other = (
        booking.practice.name
        if role == Role.CLIENT
        else (booking.client.display_name if booking.client else "")
    )
    context = {
        "booking": booking,
        "role": role,
        "state": state,
        "opens": opens,
        "closes": closes,
        "other_name": other,
        "sandbox": twilio.mode() == "twin",
        "token_url": reverse("video:token", args=[booking.reference]),
        "preflight_url": reverse("video:preflight", args=[booking.reference]),
        "messages_for_script": {
            "noPermission": _("Please allow access to your camera and microphone in the browser."),
            "noDevice": _("No camera or microphone was found. Is one connected?"),
            "network": _("The connection failed. Your network may block video calls."),
            "joined": _("You are in the room."),
            "otherLeft": _("The other side has left. They can rejoin at any time."),
            "minutesLeft": _("%(minutes)s min left"),
            "endingSoon": _("The session ends in five minutes."),
            "unmute": _("Unmute"),
            "mute": _("Mute"),
            "cameraOn": _("Camera on"),
            "cameraOff": _("Camera off"),
            "checking": _("Testing the connection…"),
            "checkGood": _("Connection test passed: video and sound should work."),
            "checkBad": _("Connection test failed: your network may block video calls."),
        },
    }
    return render(request, "video/join.html", context)


@login_required
@require_POST
def join_token(request: HttpRequest, reference: str) -> JsonResponse:
    """The room name and a short-lived token, fetched by the page's script when joining."""
    booking, role = _participant(request, reference)
    try:
        with transaction.atomic(durable=True):
            info = video_join(booking=booking, role=role)
    except JoinRefused as error:
        return JsonResponse({"error": str(error.message)}, status=403)
    except twilio.VideoError:
        # Twilio is unreachable or failing: nothing was stored, the page's script shows this and
        # the person tries again (the room is created on the next try).
        response = JsonResponse(
            {
                "error": _(
                    "The video service cannot be reached right now. Please try again in a minute."
                )
            },
            status=503,
        )
        response["Retry-After"] = "30"
        return response
    response = JsonResponse(
        {
            "room": info.room_name,
            "identity": info.identity,
            "token": info.token,
            "ends_at": info.ends_at.isoformat(),
            "sandbox": info.sandbox,
        }
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def preflight_token(request: HttpRequest, reference: str) -> JsonResponse:
    """A token for Twilio's preflight test; empty in demo mode, where no test can run."""
    booking, role = _participant(request, reference)
    try:
        token = video_preflight_token(booking=booking, role=role)
    except JoinRefused as error:
        return JsonResponse({"error": str(error.message)}, status=403)
    response = JsonResponse({"token": token})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def attendance_correct_view(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """The coach sets attended / not attended after the session (e.g. the client had no camera)."""
    booking, role = _participant(request, reference)
    if role != Role.COACH or booking.state not in (BookingState.COMPLETED, BookingState.NO_SHOW):
        raise Http404
    with transaction.atomic(durable=True):
        attendance_correct(
            booking=booking, actor=request.user, attended=request.POST.get("attended") == "1"
        )
    messages.success(request, _("Attendance is corrected."))
    return redirect("bookings:detail", reference=booking.reference)


@csrf_exempt
@require_POST
def twilio_webhook(request: HttpRequest) -> HttpResponse:
    """Room status callbacks. The signature covers our public URL (SITE_URL, not the internal
    host behind the proxy) and every POST parameter; nothing is read before it checks out."""
    url = settings.SITE_URL + request.get_full_path()
    signature = request.headers.get("X-Twilio-Signature", "")
    if not twilio.signature_is_valid(url=url, params=request.POST.dict(), signature=signature):
        return HttpResponse(status=403)
    form = RoomCallbackForm(request.POST)
    if not form.is_valid():
        # Twilio's, but with values that do not fit (a retry would not change them).
        return JsonResponse({"status": "malformed", "fields": sorted(form.errors)}, status=400)
    with transaction.atomic(durable=True):
        outcome = video_record_event(event=form.cleaned_data)
    return JsonResponse({"status": outcome})
