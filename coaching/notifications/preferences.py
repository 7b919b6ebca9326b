"""Each person's choices about messages (reminder timing, SMS, open tracking) and which
channels a message goes by as a result."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction

from coaching.notifications.models import Channel, Preferences
from coaching.notifications.registry import SMS, Preference, kind_for
from privacy.services import consent_record, consent_withdraw

if TYPE_CHECKING:
    from sofadoc.accounts.models import User


def preferences_for(user: User) -> Preferences:
    prefs, _ = Preferences.objects.get_or_create(user=user)
    prefs.user = user
    return prefs


def channels_for(prefs: Preferences, kind: str) -> list[str]:
    """E-mail and inbox as the kind allows (always, for service messages); SMS only if the
    kind's preference chose it and the number is confirmed."""
    spec = kind_for(kind)
    channels: list[str] = [c for c in (Channel.INBOX, Channel.EMAIL) if c in spec.channels]
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


def loaded_preferences(user: User) -> Preferences:
    """The preferences read with the user (select_related), or fresh ones."""
    try:
        return user.notification_preferences
    except Preferences.DoesNotExist:
        return preferences_for(user)


def preferences_update(*, user: User, ip: str = "", **fields: Any) -> Preferences:
    with transaction.atomic(durable=True):
        prefs = Preferences.objects.select_for_update().get(pk=preferences_for(user).pk)
        tracking_before = prefs.open_tracking
        for name, value in fields.items():
            setattr(prefs, name, value)
        prefs.save()
        if prefs.open_tracking != tracking_before:
            consent_log(
                user=user,
                purpose="email_open_tracking",
                granted=prefs.open_tracking,
                source="settings",
                ip=ip,
            )
    return prefs


def consent_log(*, user: User, purpose: str, granted: bool, source: str, ip: str) -> None:
    """The two optional e-mail consents (news, open tracking) are kept here, where sending
    reads them; each change is also written to the consent log, which the person sees on
    /privacy/consents/ and which proves what they decided and when."""
    # Ending a consent copies the pseudonym and version of the grant it ends; a "no" with
    # nothing in force (tracking switched off twice) is still logged, as a refusal.
    if granted or not consent_withdraw(user=user, source=source, purposes=[purpose], ip=ip):
        consent_record(user=user, decisions={purpose: granted}, source=source, ip=ip)
