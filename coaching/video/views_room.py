"""What the join page's script asks while someone is in the room: waiting, being let in, the
heartbeat with the other side's state, leaving, the coach's no-show mark, and the demo twin's
chat. Each answers JSON; only the booking's client and coach reach them (404 for anyone else)."""

from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coaching.bookings.models import BookingState, Role
from coaching.bookings.services import BookingError
from coaching.video import attendance_rules as rules
from coaching.video import twilio
from coaching.video.admission import (
    JoinRefused,
    seat_heartbeat,
    side_state,
    video_admit,
    video_wait,
)
from coaching.video.attendance import video_mark_no_show
from coaching.video.models import VideoRoom
from coaching.video.relay import MAX_LENGTH, net_of, net_report, twin_chat_send, twin_chat_since
from coaching.video.selectors import presence
from coaching.video.services import video_leave
from coaching.video.views import _participant, browser_of, refused

logger = logging.getLogger(__name__)


def _wrong_side(booking, role: str, what: str):
    """The booking's other side asking for what only one side may do: logged, and a 404 as for
    anyone else (nothing is told, nothing changes)."""
    logger.warning("video %s refused for the %s of %s", what, role, booking.reference)
    raise Http404


def _no_store(data: dict, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def wait(request: HttpRequest, reference: str) -> JsonResponse:
    """The client enters the waiting room; answers whether they are let in already."""
    booking, role = _participant(request, reference)
    if role != Role.CLIENT:
        _wrong_side(booking, role, "wait")
    try:
        with transaction.atomic(durable=True):
            admitted = video_wait(booking=booking, browser=browser_of(request), now=timezone.now())
    except JoinRefused as error:
        return refused(request, booking, error)
    return _no_store({"admitted": admitted})


@login_required
@require_POST
def admit(request: HttpRequest, reference: str) -> JsonResponse:
    booking, role = _participant(request, reference)
    if role != Role.COACH:
        _wrong_side(booking, role, "admit")
    try:
        with transaction.atomic(durable=True):
            video_admit(booking=booking, actor=request.user, role=role, now=timezone.now())
    except JoinRefused as error:
        return refused(request, booking, error)
    return _no_store({"admitted": True})


@login_required
@require_POST
def status(request: HttpRequest, reference: str) -> JsonResponse:
    """The page's heartbeat: keeps this browser's seat, and tells it the other side's state, the
    client's admission, whether the coach may mark a no-show and (demo twin) new chat lines."""
    booking, role = _participant(request, reference)
    now = timezone.now()
    holds = seat_heartbeat(booking=booking, role=role, browser=browser_of(request), now=now)
    other_role = Role.COACH if role == Role.CLIENT else Role.CLIENT
    other = side_state(booking, other_role, now)
    room = VideoRoom.objects.filter(booking=booking).only("pk", "client_admitted_at").first()
    level = request.POST.get("net", "")
    if room is not None and holds and level in ("0", "1", "2", "3", "4", "5"):
        net_report(room_id=room.pk, role=role, level=int(level))
    data = {
        "holds_seat": holds,
        "over": booking.state != BookingState.CONFIRMED or now >= booking.end,
        "other": {
            "present": other.present,
            "reconnecting": other.reconnecting,
            "waiting": other.waiting,
            "net": net_of(room_id=room.pk, role=other_role) if room is not None else None,
        },
        "admitted": bool(room and room.client_admitted_at),
    }
    if role == Role.COACH:
        confirmed = booking.state == BookingState.CONFIRMED
        data["can_mark_no_show"] = confirmed and rules.may_mark_no_show(
            start=booking.start, end=booking.end, now=now, presence=presence(booking)
        )
    if twilio.mode() == "twin" and room is not None and holds:
        after = request.POST.get("after", "0")
        data["chat"] = twin_chat_since(room_id=room.pk, after=int(after) if after.isdigit() else 0)
    return _no_store(data)


@login_required
@require_POST
def leave(request: HttpRequest, reference: str) -> JsonResponse:
    booking, role = _participant(request, reference)
    with transaction.atomic(durable=True):
        video_leave(booking=booking, role=role, browser=browser_of(request))
    return _no_store({"left": True})


@login_required
@require_POST
def no_show(request: HttpRequest, reference: str) -> JsonResponse:
    """The coach marks the client as not come (the practice's no-show rule applies)."""
    booking, role = _participant(request, reference)
    if role != Role.COACH:
        _wrong_side(booking, role, "no-show")
    try:
        with transaction.atomic(durable=True):
            video_mark_no_show(booking=booking, actor=request.user)
    except BookingError as error:
        logger.info("no-show refused for %s: %s", booking.reference, error)
        return _no_store({"error": str(error.message)}, status=409)
    return _no_store({"state": BookingState.NO_SHOW})


@login_required
@require_POST
def twin_chat(request: HttpRequest, reference: str) -> JsonResponse:
    """Demo twin only: a chat line to the other page (Twilio's DataTrack does this live)."""
    booking, role = _participant(request, reference)
    if twilio.mode() != "twin":
        return refused(request, booking, JoinRefused(_("Not available."), status=404))
    text = request.POST.get("text", "").strip()
    if not text or len(text) > MAX_LENGTH:
        return _no_store({"error": _("Please write a message of up to 1000 characters.")}, 400)
    room = VideoRoom.objects.filter(booking=booking).first()
    holds = seat_heartbeat(
        booking=booking, role=role, browser=browser_of(request), now=timezone.now()
    )
    if room is None or not holds:
        return refused(request, booking, JoinRefused(_("Join the room first."), status=409))
    return _no_store({"n": twin_chat_send(room_id=room.pk, role=role, text=text)})
