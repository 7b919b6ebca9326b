"""The join page, its token endpoint, and Twilio's status callbacks.

Anyone but the booking's client and coach gets a 404 (staff too: a session is private).
"""

from __future__ import annotations

import logging

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
from coaching.bookings.permissions import booking_role
from coaching.bookings.services import BookingError
from coaching.video import attendance_rules as rules
from coaching.video import twilio
from coaching.video.admission import JoinRefused, browser_key, join_window, room_settings
from coaching.video.attendance import attendance_correct
from coaching.video.forms import RoomCallbackForm
from coaching.video.services import video_join, video_preflight_token, video_record_event

logger = logging.getLogger(__name__)


def browser_of(request: HttpRequest) -> str:
    if request.session.session_key is None:
        request.session.save()
    return browser_key(str(request.session.session_key))


def refused(request: HttpRequest, booking: Booking, error: JoinRefused) -> JsonResponse:
    """A request for the room we do not grant: logged (without the person), answered in JSON."""
    logger.warning(
        "video %s refused for %s: %s",
        getattr(request.resolver_match, "url_name", ""),
        booking.reference,
        error,
    )
    body: dict[str, object] = {"error": str(error.message)}
    if error.waiting:
        body["waiting"] = True
    return JsonResponse(body, status=error.status)


def _participant(request: HttpRequest, reference: str) -> tuple[Booking, str]:
    booking = (
        Booking.objects.select_related("practice", "practice__owner", "client")
        .filter(reference=reference)
        .first()
    )
    role = booking_role(booking, request.user) if booking is not None else None
    if booking is None or role is None:  # staff too: a session is private
        raise Http404
    return booking, role


# What twilio-video's browser SDK connects to (signalling and call insights), on this page only.
TWILIO_CONNECT = [
    "wss://global.vss.twilio.com",
    "wss://sdkgw.us1.twilio.com",
    "https://ecs.us1.twilio.com",
]


JOIN_PERMISSIONS = ", ".join(
    f"{feature}=({' '.join(['self'] if feature == 'display-capture' else origins)})"
    for feature, origins in settings.PERMISSIONS_POLICY.items()
)


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
    settings_ = room_settings(booking.practice_id)
    context = {
        "booking": booking,
        "room_settings": settings_,
        "rules": rules,
        "role": role,
        "state": state,
        "opens": opens,
        "closes": closes,
        "other_name": other,
        "sandbox": twilio.mode() == "twin",
        "token_url": reverse("video:token", args=[booking.reference]),
        "preflight_url": reverse("video:preflight", args=[booking.reference]),
        "urls": {
            name: reverse(f"video:{name}", args=[booking.reference])
            for name in ("wait", "status", "admit", "leave", "no_show", "twin_chat")
        },
        "messages_for_script": room_messages(),
    }
    response = render(request, "video/join.html", context)
    # Screen sharing is for this page only; every other page keeps the site's policy.
    response["Permissions-Policy"] = JOIN_PERMISSIONS
    return response


def room_messages() -> dict[str, str]:
    """What the page's script says, translated here (the script has no catalogue)."""
    return {
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
        "checkGood": _("Your connection is good enough for video."),
        "checkBad": _(
            "Connection test failed: your network may block video calls. Try another "
            "network (e.g. your phone's hotspot) or switch off a VPN, then test again."
        ),
        "checkGoodTwin": _(
            "Your connection to SofaDoc works. In demo mode no video service is tested."
        ),
        "checkSlow": _(
            "Your connection is slow: sound should work, the picture may stutter. Close "
            "other programs that use the internet or move closer to your router."
        ),
        "levelLabel": _("Microphone level"),
        "speakerPlaying": _("A test sound is playing. Can you hear it?"),
        "waitingForAdmit": _("You are in the waiting room. Your coach will let you in."),
        "admitted": _("Your coach has let you in. You are joining the room."),
        "clientWaiting": _("Your client is in the waiting room."),
        "clientAdmitted": _("You have let your client in."),
        "otherJoined": _("The other side is in the room."),
        "reconnecting": _("Connection is being restored…"),
        "otherReconnecting": _("The other side's connection is being restored…"),
        "reconnected": _("Connection restored."),
        "left": _("You have left the room."),
        "chatFrom": _("%(who)s:"),
        "you": _("You"),
        "coach": _("Coach"),
        "client": _("Client"),
        "shareStarted": _("You are sharing your screen."),
        "shareStopped": _("Screen sharing has ended."),
        "shareStart": _("Share screen"),
        "shareStop": _("Stop sharing"),
        "netLabel": _("Connection quality"),
        "net0": _("no connection"),
        "net1": _("very weak"),
        "net2": _("weak"),
        "net3": _("fair"),
        "net4": _("good"),
        "net5": _("very good"),
        "noShowMarked": _("The no-show is recorded."),
        "sessionOver": _("The session time is over. The room closes."),
    }


@login_required
@require_POST
def join_token(request: HttpRequest, reference: str) -> JsonResponse:
    """The room name and a short-lived token, fetched by the page's script when joining."""
    booking, role = _participant(request, reference)
    try:
        with transaction.atomic(durable=True):
            info = video_join(booking=booking, role=role, browser=browser_of(request))
    except JoinRefused as error:
        return refused(request, booking, error)
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
        return refused(request, booking, error)
    response = JsonResponse({"token": token, "sandbox": twilio.mode() == "twin"})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def attendance_correct_view(request: HttpRequest, reference: str) -> HttpResponse:
    """The coach sets attended / not attended within 24 hours of the verdict, with a reason."""
    booking, role = _participant(request, reference)
    if role != Role.COACH or booking.state not in (BookingState.COMPLETED, BookingState.NO_SHOW):
        raise Http404
    try:
        with transaction.atomic(durable=True):
            attendance_correct(
                booking=booking,
                actor=request.user,
                attended=request.POST.get("attended") == "1",
                reason=request.POST.get("reason", "")[:200],
            )
    except BookingError as error:
        logger.info("attendance correction refused for %s: %s", booking.reference, error)
        messages.error(request, error.message)
        return redirect("bookings:detail", reference=booking.reference)
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
        logger.warning("twilio video callback with a bad signature refused")
        return HttpResponse(status=403)
    form = RoomCallbackForm(request.POST)
    if not form.is_valid():
        # Twilio's, but with values that do not fit (a retry would not change them).
        return JsonResponse({"status": "malformed", "fields": sorted(form.errors)}, status=400)
    with transaction.atomic(durable=True):
        outcome = video_record_event(event=form.cleaned_data)
    return JsonResponse({"status": outcome})
