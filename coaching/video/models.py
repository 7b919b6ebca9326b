"""One Twilio room per booking, and what Twilio told us happened in it."""

from __future__ import annotations

import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coaching.bookings.models import Booking


def new_room_name() -> str:
    # Random, so nobody can guess a room from a booking, a name or a date.
    return f"sd-{secrets.token_urlsafe(18)}"


class VideoRoom(models.Model):
    booking = models.OneToOneField(Booking, on_delete=models.PROTECT, related_name="video_room")
    unique_name = models.CharField(
        _("room name"), max_length=64, unique=True, default=new_room_name
    )
    room_sid = models.CharField(_("Twilio room"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    class Meta:
        verbose_name = _("video room")
        verbose_name_plural = _("video rooms")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.unique_name


class ParticipantEvent(models.Model):
    """A status callback from Twilio: someone joined or left, or the room ended."""

    class Kind(models.TextChoices):
        CONNECTED = "participant-connected", _("joined")
        DISCONNECTED = "participant-disconnected", _("left")
        ROOM_ENDED = "room-ended", _("room ended")

    room = models.ForeignKey(VideoRoom, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=32, choices=Kind.choices)
    role = models.CharField(_("who"), max_length=8, blank=True)  # client / coach, from the identity
    participant_sid = models.CharField(_("participant"), max_length=64, blank=True)
    duration_seconds = models.PositiveIntegerField(_("duration (s)"), null=True, blank=True)
    sequence = models.PositiveIntegerField(_("sequence"))
    occurred_at = models.DateTimeField(_("when"))
    received_at = models.DateTimeField(_("received"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("participant event")
        verbose_name_plural = _("participant events")
        ordering = ["occurred_at", "sequence"]
        constraints = [
            # Twilio retries callbacks; each one is stored once.
            models.UniqueConstraint(fields=["room", "sequence"], name="participant_event_once")
        ]

    def __str__(self) -> str:
        return f"{self.room} {self.kind} {self.role}"
