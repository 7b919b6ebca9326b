"""One Twilio room per booking, and what Twilio told us happened in it."""

from __future__ import annotations

import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coaching.bookings.models import Booking
from coaching.practices.models import Practice


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
    # The waiting room: the client asked to come in, and when (and how) the coach let them in.
    # The client's token is issued only once client_admitted_at is set (admission.py).
    client_waiting_since = models.DateTimeField(_("client waiting since"), null=True, blank=True)
    client_admitted_at = models.DateTimeField(_("client admitted"), null=True, blank=True)
    admitted_automatically = models.BooleanField(_("admitted automatically"), default=False)

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


class RoomSeat(models.Model):
    """Which browser holds a side's place in the room, and when it was last heard from. A second
    browser of the same person is refused while the first is alive (Twilio would otherwise throw
    the first one out); the same browser coming back after a dropped network gets in again."""

    room = models.ForeignKey(VideoRoom, on_delete=models.CASCADE, related_name="seats")
    role = models.CharField(_("who"), max_length=8)
    browser = models.CharField(_("browser"), max_length=64)  # a hash of the session key
    seen_at = models.DateTimeField(_("last heard from"))
    left_at = models.DateTimeField(_("left"), null=True, blank=True)

    class Meta:
        verbose_name = _("room seat")
        verbose_name_plural = _("room seats")
        constraints = [models.UniqueConstraint(fields=["room", "role"], name="room_seat_per_side")]

    def __str__(self) -> str:
        return f"{self.room} {self.role}"


class RoomSettings(models.Model):
    """The coach's choices for their room: the note a waiting client reads, whether clients come
    in by themselves at the start time, and the practice's no-show rule (share refunded)."""

    practice = models.OneToOneField(
        Practice, on_delete=models.CASCADE, related_name="room_settings"
    )
    waiting_note = models.CharField(_("note for a waiting client"), max_length=300, blank=True)
    auto_admit = models.BooleanField(
        _("let the client in automatically at the start time"), default=False
    )
    no_show_refund_percent = models.PositiveSmallIntegerField(
        _("refund for a no-show (percent of the price)"), default=0
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("room settings")
        verbose_name_plural = _("room settings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(no_show_refund_percent__lte=100), name="no_show_percent_max"
            )
        ]

    def __str__(self) -> str:
        return str(self.practice)
