"""Each person's choices about messages (reminder timing, SMS, open tracking) and which
channels a message goes by as a result."""

from __future__ import annotations

from coaching.notifications.models import Channel, Preferences
from coaching.notifications.registry import SMS, Preference, kind_for


def preferences_for(user) -> Preferences:
    prefs, _ = Preferences.objects.get_or_create(user=user)
    prefs.user = user
    return prefs


def channels_for(prefs: Preferences, kind: str) -> list[str]:
    """E-mail and inbox as the kind allows (always, for service messages); SMS only if the
    kind's preference chose it and the number is confirmed."""
    spec = kind_for(kind)
    channels = [c for c in (Channel.INBOX, Channel.EMAIL) if c in spec.channels]
    if SMS in spec.channels and prefs.sms_possible() and sms_chosen(prefs, spec.preference):
        channels.append(Channel.SMS)
    return channels


def sms_chosen(prefs: Preferences, preference: Preference | None) -> bool:
    if preference == Preference.REMINDERS:
        return prefs.sms_reminders
    if preference == Preference.BOOKING_MESSAGES:
        return prefs.sms_booking_messages
    return False


def wants(prefs: Preferences, kind: str) -> bool:
    """Whether the person gets this kind at all (reminders: the timing they chose)."""
    if kind_for(kind).preference == Preference.REMINDERS:
        return prefs.wants_reminder(kind)
    return True
