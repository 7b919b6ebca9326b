"""Messages sent to a person and their channel choices: exported with the account and deleted
with it (a delivery log keeps no value once the person is gone)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from privacy.registry import (
    PersonalData,
    ProcessorCall,
    ProcessorEraser,
    register,
    register_processor_eraser,
)

if TYPE_CHECKING:
    from sofadoc.accounts.models import User


def _twilio_numbers(user: User) -> tuple[str, list[str]] | None:
    """Twilio keeps the SMS we sent (number and text): ask it to delete them on erasure."""
    from django.conf import settings

    from coaching.notifications.models import Preferences

    if settings.SMS_MODE != "twilio":
        return None
    numbers = {user.phone or ""}
    numbers |= set(
        Preferences.objects.filter(user=user).values_list("sms_confirmed_phone", flat=True)
    )
    known = sorted(n for n in numbers if n)
    return (",".join(known), []) if known else None


def _twilio_delete(*, lookup: str, known_ids: list[str], call: ProcessorCall) -> None:
    from coaching.notifications.sms import sms_backend

    backend = sms_backend()
    for number in lookup.split(","):
        backend.delete_messages_to(to=number, call=call)


register_processor_eraser(
    ProcessorEraser("twilio_sms", collect=_twilio_numbers, erase=_twilio_delete)
)

register(
    PersonalData(
        "notifications.Notification",
        subject="recipient",
        fields=[
            "kind",
            "channel",
            "address",
            "status",
            "subject",
            "body",
            "queued_at",
            "sent_at",
            "read_at",
            "opened",
        ],
        order=200,
    ),
    # Deleted with the account (and by the browser's push service, which holds only the
    # endpoint: it forgets it when the browser unsubscribes or the row is gone and pushes stop).
    PersonalData(
        "notifications.PushSubscription",
        subject="user",
        fields=["service", "reminders", "messages", "created_at", "last_sent_at"],
        order=200,
    ),
    PersonalData(
        "notifications.Preferences",
        subject="user",
        fields=[
            "reminder_timing",
            "sms_reminders",
            "sms_booking_messages",
            "sms_confirmed_phone",
            "sms_opted_out_at",
            "open_tracking",
            "news_requested_at",
            "news_confirmed_at",
        ],
        order=200,
    ),
)
