"""The kinds notifications itself sends (bookings, reminders, payments, news, welcome),
registered like any other app's kinds (see registry.py). Imported by the app's ready()."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from coaching.bookings.calendar import booking_ics
from coaching.bookings.models import Booking, BookingState
from coaching.notifications.links import news_confirm_token
from coaching.notifications.models import Kind, Notification
from coaching.notifications.registry import (
    EMAIL,
    INBOX,
    PUSH,
    SMS,
    NotificationKind,
    Preference,
    register,
)
from privacy.links import export_download_path
from privacy.selectors import data_export_ready

WRITTEN = frozenset({EMAIL, INBOX, PUSH})
WITH_SMS = WRITTEN | {SMS}


# --- Context ----------------------------------------------------------------------------------
def _reminder_context(row: Notification) -> dict[str, Any]:
    booking = row.booking
    if booking is None:
        return {}
    return {
        # The subject says when (when_short, rendering.py), not "tomorrow": a session moved
        # to later today, or a reminder the scan catches up on, would make "tomorrow" false.
        "join_url": settings.SITE_URL + reverse("video:join", args=[booking.reference]),
    }


def _news_confirm_context(row: Notification) -> dict[str, Any]:
    token = news_confirm_token(row.person)
    return {"confirm_url": settings.SITE_URL + reverse("notifications:news_confirm", args=[token])}


def _payment_problem_context(row: Notification) -> dict[str, Any]:
    url = reverse("admin:bookings_booking_change", args=[row.booking_id])
    return {"admin_url": settings.SITE_URL + url}


def _data_export_context(row: Notification) -> dict[str, Any]:
    export = data_export_ready(_export_pk(row))
    if export is None:
        return {}
    return {
        "url": settings.SITE_URL + export_download_path(export),
        "list_url": settings.SITE_URL + reverse("privacy:export"),
    }


def _export_pk(row: Notification) -> int:
    return int(row.key.removeprefix("export:"))


# --- Is it still true? ------------------------------------------------------------------------
def _about_booking(
    check: Callable[[Notification, Booking, datetime], str],
) -> Callable[[Notification, datetime], str]:
    """A booking kind queued without a booking (tests, the demo) has nothing to re-check;
    otherwise `check` gets the row's booking."""

    @functools.wraps(check)
    def skip_reason(row: Notification, now: datetime) -> str:
        booking = row.booking
        return check(row, booking, now) if booking is not None else ""

    return skip_reason


@_about_booking
def _reminder_skip(row: Notification, booking: Booking, now: datetime) -> str:
    if booking.state != BookingState.CONFIRMED:
        return f"booking {booking.state}"
    if row.booking_sequence != booking.sequence:
        return "session moved"
    if booking.start <= now:
        return "session already started"
    return ""


def _cancelled(booking: Booking) -> str:
    if booking.state == BookingState.CANCELLED:
        # Cancelled before this went out: "confirmed" would be false, the cancellation says all.
        return "booking cancelled; the cancellation notice applies"
    return ""


@_about_booking
def _confirmed_skip(row: Notification, booking: Booking, now: datetime) -> str:
    return _cancelled(booking)


@_about_booking
def _moved_skip(row: Notification, booking: Booking, now: datetime) -> str:
    if row.booking_sequence != booking.sequence:
        return "moved again; the later notice applies"
    return _cancelled(booking)


@_about_booking
def _payment_pending_skip(row: Notification, booking: Booking, now: datetime) -> str:
    if (
        booking.state != BookingState.HELD
        or not booking.hold_expires_at
        or booking.hold_expires_at <= now
    ):
        return f"booking {booking.state}"
    return ""


def _staff_only(row: Notification, now: datetime) -> str:
    return "" if row.person.is_staff else "recipient is no longer staff"


def _news_confirm_skip(row: Notification, now: datetime) -> str:
    prefs = getattr(row.recipient, "notification_preferences", None)
    return "already confirmed" if prefs is not None and prefs.news_confirmed_at else ""


def _data_export_skip(row: Notification, now: datetime) -> str:
    return "" if data_export_ready(_export_pk(row)) is not None else "export no longer ready"


# --- Attachments ------------------------------------------------------------------------------
def _calendar_entry(row: Notification) -> list[tuple[str, str | bytes, str]]:
    """The session's calendar entry (a cancellation cancels it in the calendar)."""
    booking, user = row.booking, row.person
    if booking is None:  # queued without a booking (tests, the demo): nothing to attach
        return []
    cancelled = booking.state == BookingState.CANCELLED
    with translation.override(user.language):
        ics = booking_ics(booking, for_coach=booking.practice.owner_id == user.pk)
    method = "CANCEL" if cancelled else "PUBLISH"
    return [(f"sofadoc-{booking.reference}.ics", ics, f"text/calendar; method={method}")]


def _booking_message(code: str, label: Promise, **fields: Any) -> NotificationKind:
    """News about a booking: also by SMS to those who want booking messages by SMS."""
    return NotificationKind(
        code, label, channels=WITH_SMS, preference=Preference.BOOKING_MESSAGES, **fields
    )


def _reminder(code: str, label: Promise) -> NotificationKind:
    """A reminder before the session, timed and sent (SMS, push) as the person chose."""
    return NotificationKind(
        code,
        label,
        channels=WITH_SMS,
        preference=Preference.REMINDERS,
        context=_reminder_context,
        skip_reason=_reminder_skip,
    )


register(
    NotificationKind(Kind.WELCOME, _("welcome")),
    _booking_message(
        Kind.BOOKING_CONFIRMED,
        _("booking confirmed"),
        skip_reason=_confirmed_skip,
        attachments=_calendar_entry,
    ),
    _booking_message(Kind.BOOKING_CANCELLED, _("booking cancelled"), attachments=_calendar_entry),
    _booking_message(Kind.BOOKING_REFUNDED, _("refund issued")),
    _booking_message(
        Kind.BOOKING_MOVED, _("session moved"), skip_reason=_moved_skip, attachments=_calendar_entry
    ),
    _reminder(Kind.REMINDER_24H, _("reminder 24 hours before")),
    _reminder(Kind.REMINDER_1H, _("reminder 1 hour before")),
    _booking_message(Kind.PAYMENT_PENDING, _("payment pending"), skip_reason=_payment_pending_skip),
    NotificationKind(Kind.CALENDAR_NUDGE, _("calendar upkeep")),
    NotificationKind(
        Kind.NEWS_CONFIRM,
        _("confirm news subscription"),
        channels=frozenset({EMAIL}),
        context=_news_confirm_context,
        skip_reason=_news_confirm_skip,
    ),
    NotificationKind(
        Kind.PAYMENT_PROBLEM,
        _("payment problem (staff)"),
        context=_payment_problem_context,
        skip_reason=_staff_only,
    ),
    NotificationKind(Kind.MERCHANT_REVOKED, _("PayPal permission withdrawn")),
    NotificationKind(Kind.DISPUTE_OPENED, _("PayPal dispute opened")),
    # Sent by privacy's data_export_ready signal (receivers.py), key "export:<pk>".
    NotificationKind(
        Kind.DATA_EXPORT_READY,
        _("data export ready"),
        channels=frozenset({EMAIL}),
        context=_data_export_context,
        skip_reason=_data_export_skip,
    ),
)
