"""The scan behind the 48-hour reminder: confirmed sessions starting within 48 hours whose
client still owes the questionnaire or the agreement get one message per booking revision."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from coaching.bookings.models import Booking, BookingState
from coaching.intake.models import AgreementVersion, IntakeFormVersion
from coaching.intake.notifications import INTAKE_OPEN, REMIND_HOURS_BEFORE
from coaching.intake.selectors import missing_before_session
from coaching.notifications.models import Notification
from coaching.notifications.queueing import notify


def intake_reminders_queue_due(*, now: datetime | None = None) -> int:
    """Queue the reminder for every due booking; returns the rows queued. Safe to run twice:
    the notification log's once-per-booking rule and the `already` filter both hold."""
    now = now or timezone.now()
    already = Notification.objects.filter(
        booking=OuterRef("pk"), booking_sequence=OuterRef("sequence"), kind=INTAKE_OPEN
    )
    asks_something = Exists(
        IntakeFormVersion.objects.filter(practice=OuterRef("practice"))
    ) | Exists(AgreementVersion.objects.filter(practice=OuterRef("practice")))
    due = (
        Booking.objects.filter(
            state=BookingState.CONFIRMED,
            client__isnull=False,
            start__gt=now,
            start__lte=now + timedelta(hours=REMIND_HOURS_BEFORE),
        )
        .filter(asks_something)
        .exclude(Exists(already))
        .select_related("client", "practice")
    )
    count = 0
    for booking in due:
        if missing_before_session(booking):
            with transaction.atomic(durable=True):
                count += notify(recipients=[booking.client], kind=INTAKE_OPEN, booking=booking)
    return count
