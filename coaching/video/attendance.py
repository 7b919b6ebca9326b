"""Settling attendance from what happened in the room, by the rules in attendance_rules.py:
the scan after the session's end, the coach's no-show mark during it, and the coach's correction
within 24 hours. The money moves through coaching/bookings/services/attendance.py (locked,
logged in the booking's history, refunds through payments)."""

from __future__ import annotations

import logging
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from coaching.bookings.models import Booking, BookingState, Role
from coaching.bookings.services import (
    BookingError,
    booking_coach_absent,
    booking_complete,
    booking_no_show,
)
from coaching.notifications.queueing import notify
from coaching.video import attendance_rules as rules
from coaching.video import twilio
from coaching.video.admission import room_settings
from coaching.video.notifications import COACH_ABSENT
from coaching.video.selectors import decided_at, presence

logger = logging.getLogger(__name__)

# Settling takes at most this many bookings per scan; the next scan (five minutes on) goes on.
SETTLE_BATCH = 200
# After this many rooms Twilio could not close, the scan stops asking it (each try can wait
# TWILIO_HTTP_TIMEOUT) and settles only the bookings without an open room.
SETTLE_TWILIO_FAILURES = 3


def no_show_refund_amount(booking: Booking) -> Decimal:
    percent = room_settings(booking.practice_id).no_show_refund_percent
    return rules.no_show_refund(paid=booking.price, percent=percent)


def video_settle(*, now: datetime | None = None) -> int:
    """After a session's end, by the rules: completed, no-show (the practice's refund rule) or
    the coach absent (full refund); the room is closed at Twilio first. Beat runs this every few
    minutes; returns how many it settled.

    Each booking is settled in its own transaction, so one that fails (Twilio unreachable while
    closing its room) is logged, stays confirmed and is tried again by the next scan, while the
    others are settled."""
    now = now or timezone.now()
    due = Booking.objects.filter(state=BookingState.CONFIRMED, end__lte=now).order_by("end", "pk")
    settled = failures = 0
    for pk in due.values_list("pk", flat=True)[:SETTLE_BATCH]:
        try:
            with transaction.atomic(durable=True):
                settled += _settle_one(pk, now=now, twilio_usable=failures < SETTLE_TWILIO_FAILURES)
        except twilio.VideoError as error:
            failures += 1
            logger.warning("booking %s not settled, next scan tries again: %s", pk, error)
        except BookingError as error:  # changed meanwhile (e.g. cancelled): nothing to settle
            logger.info("booking %s not settled: %s", pk, error)
    return settled


def _settle_one(pk: int, *, now: datetime, twilio_usable: bool) -> int:
    booking = (
        Booking.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("video_room", "practice__owner", "client")
        .filter(pk=pk, state=BookingState.CONFIRMED)
        .first()
    )
    if booking is None:  # settled meanwhile, or another scan holds it
        return 0
    room = getattr(booking, "video_room", None)
    if room is not None and room.completed_at is None:
        if not twilio_usable:
            return 0
        twilio.complete_room(room_sid=room.room_sid)
        room.completed_at = now
        room.save(update_fields=["completed_at"])
    verdict = rules.outcome(presence(booking))
    reason = f"attendance from the video room: {verdict}"
    if verdict == rules.COMPLETED:
        booking_complete(booking=booking, reason=reason)
    elif verdict == rules.CLIENT_ABSENT:
        booking_no_show(
            booking=booking,
            role=Role.SYSTEM,
            reason=reason,
            refund_amount=no_show_refund_amount(booking),
        )
    else:
        booking_coach_absent(booking=booking, reason=reason, shown_reason=coach_absent_reason())
        notify(
            recipients=[booking.client, booking.practice.owner],
            kind=COACH_ABSENT,
            booking=booking,
        )
    logger.info("booking %s settled: %s", booking.reference, verdict)
    return 1


def coach_absent_reason() -> str:
    # Shown to both sides as the cancellation's reason, so in words, in the site's language.
    return gettext("The coach did not come into the video room; the full price is refunded.")


def video_mark_no_show(*, booking: Booking, actor, now: datetime | None = None) -> Booking:
    """The coach marks a no-show once the client has not come within the waiting time (also
    before the end). Caller: inside a transaction."""
    now = now or timezone.now()
    if booking.state != BookingState.CONFIRMED or not rules.may_mark_no_show(
        start=booking.start, end=booking.end, now=now, presence=presence(booking)
    ):
        raise BookingError(
            _(
                "A no-show can be marked only when the client has not come %(minutes)s minutes "
                "after the start."
            )
            % {"minutes": rules.CLIENT_WAIT_MINUTES}
        )
    booking, _refund = booking_no_show(
        booking=booking,
        actor=actor,
        role=Role.COACH,
        reason="no-show marked by the coach",
        refund_amount=no_show_refund_amount(booking),
    )
    return booking


def attendance_correct(
    *, booking: Booking, actor, attended: bool, reason: str, now: datetime | None = None
) -> Booking:
    """The coach corrects the verdict (e.g. the client joined by phone) within 24 hours of it,
    with a reason, which goes into the booking's history. Caller: inside a transaction."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise BookingError(_("Please give a reason for the correction."))
    if booking.state not in (BookingState.COMPLETED, BookingState.NO_SHOW):
        raise BookingError(_("This booking can no longer be changed that way."))
    decided = decided_at(booking)
    if decided is None or not rules.correction_open(decided_at=decided, now=now):
        raise BookingError(
            _("Attendance can be corrected only within %(hours)s hours.")
            % {"hours": rules.CORRECTION_HOURS}
        )
    why = f"corrected by coach: {reason}"
    if attended:
        return booking_complete(booking=booking, actor=actor, role=Role.COACH, reason=why)
    booking, _refund = booking_no_show(
        booking=booking,
        actor=actor,
        role=Role.COACH,
        reason=why,
        refund_amount=no_show_refund_amount(booking),
    )
    return booking
