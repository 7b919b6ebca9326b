"""A coach's outside calendars: the connection, its calendars, the busy time imported from them,
the events SofaDoc writes into them for bookings, and hour blocks set by hand.

Imported busy time keeps only start and end (no title, no attendees, no description): it is the
coach's private life, and the slot engine needs nothing more. Secrets (CalDAV app passwords,
OAuth tokens) are encrypted at rest with `sofadoc.crypto`.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coaching.practices.models import Practice
from sofadoc.crypto import EncryptedTextField


class Provider(models.TextChoices):
    CALDAV = "caldav", _("CalDAV (iCloud, Nextcloud, mailbox.org, Posteo …)")
    GOOGLE = "google", _("Google Calendar")
    MICROSOFT = "microsoft", _("Microsoft 365 / Outlook")


class ConnectionState(models.TextChoices):
    OK = "ok", _("working")
    FAILING = "failing", _("not reachable at the moment")
    BROKEN = "broken", _("broken: needs your attention")


# A server that does not answer for this long counts as broken (the coach is told).
UNREACHABLE_BROKEN_AFTER = timedelta(hours=1)
SYNC_EVERY = timedelta(minutes=5)


class CalendarConnection(models.Model):
    practice = models.ForeignKey(
        Practice, on_delete=models.CASCADE, related_name="calendar_connections"
    )
    provider = models.CharField(_("provider"), max_length=12, choices=Provider.choices)
    # What the coach recognises the account by (e-mail or user name); the only thing exported.
    account_name = models.CharField(_("account"), max_length=200)
    server_url = models.URLField(_("server address"), max_length=500, blank=True)
    username = models.CharField(_("user name"), max_length=200, blank=True)
    password = EncryptedTextField(_("app password"), blank=True)
    access_token = EncryptedTextField(_("access token"), blank=True)
    refresh_token = EncryptedTextField(_("refresh token"), blank=True)
    token_expires_at = models.DateTimeField(_("access token expires"), null=True, blank=True)

    state = models.CharField(
        _("state"), max_length=8, choices=ConnectionState.choices, default=ConnectionState.OK
    )
    problem = models.CharField(_("problem"), max_length=300, blank=True)
    # The first failed sync of the current run of failures (None while syncs succeed).
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)
    broken_at = models.DateTimeField(_("broken since"), null=True, blank=True)
    last_sync_at = models.DateTimeField(_("last sync attempt"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last successful sync"), null=True, blank=True)
    next_sync_at = models.DateTimeField(_("next sync"), default=timezone.now, db_index=True)
    # Rate limited by the provider (429 Retry-After): no request before this.
    retry_after = models.DateTimeField(_("paused until"), null=True, blank=True)
    stale_after_hours = models.PositiveSmallIntegerField(
        _("stop offering slots when busy times are older than (hours)"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(72)],
    )
    created_at = models.DateTimeField(_("connected"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("calendar connection")
        verbose_name_plural = _("calendar connections")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.get_provider_display()}: {self.account_name}"

    @property
    def is_broken(self) -> bool:
        return self.state == ConnectionState.BROKEN

    def stale_since(self):
        """Since when busy times are older than the coach's limit (None if they are fresh)."""
        fresh = self.last_success_at or self.created_at
        limit = fresh + timedelta(hours=self.stale_after_hours)
        return limit if limit <= timezone.now() else None


class RemoteCalendar(models.Model):
    connection = models.ForeignKey(
        CalendarConnection, on_delete=models.CASCADE, related_name="calendars"
    )
    remote_id = models.CharField(_("calendar id"), max_length=500)
    name = models.CharField(_("name"), max_length=200)
    counts_as_busy = models.BooleanField(_("events block slots"), default=True)
    all_day_blocks = models.BooleanField(_("all-day events block slots"), default=False)
    receives_bookings = models.BooleanField(_("new bookings go here"), default=False)
    # Incremental sync: the server's sync token (CalDAV sync-collection, Google syncToken,
    # Graph deltaLink) and CalDAV's ctag where the server offers one.
    sync_token = models.TextField(_("sync token"), blank=True)
    ctag = models.CharField(_("ctag"), max_length=200, blank=True)
    synced_at = models.DateTimeField(_("synced"), null=True, blank=True)
    full_synced_at = models.DateTimeField(_("read in full"), null=True, blank=True)
    problem = models.CharField(_("problem"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("connected calendar")
        verbose_name_plural = _("connected calendars")
        ordering = ["connection_id", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "remote_id"], name="calendars_remote_calendar_once"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class BusyInterval(models.Model):
    """One busy stretch of an imported event occurrence: start and end, nothing else.

    `source` names the remote object it came from by a hash (its href or id), so an incremental
    sync replaces exactly that object's occurrences; the hash says nothing about the event.
    """

    calendar = models.ForeignKey(RemoteCalendar, on_delete=models.CASCADE, related_name="busy")
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=64)
    start = models.DateTimeField()
    end = models.DateTimeField()

    class Meta:
        verbose_name = _("imported busy time")
        verbose_name_plural = _("imported busy times")
        indexes = [
            models.Index(fields=["practice", "start", "end"], name="calendars_busy_practice"),
            models.Index(fields=["calendar", "source"], name="calendars_busy_source"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="calendars_busy_end"),
        ]

    def __str__(self) -> str:
        return f"{self.start:%Y-%m-%d %H:%M}–{self.end:%H:%M} UTC"


class HourBlock(models.Model):
    """Hours the coach keeps free of sessions (e.g. Thursday 14:00–16:00), set in the week view;
    stored in UTC like every instant, shown in the practice's zone."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="hour_blocks")
    start = models.DateTimeField(_("from"))
    end = models.DateTimeField(_("until"))
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("blocked hours")
        verbose_name_plural = _("blocked hours")
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="calendars_block_end"),
        ]

    def __str__(self) -> str:
        return f"{self.start:%Y-%m-%d %H:%M}–{self.end:%H:%M} UTC"


class WriteState(models.TextChoices):
    PENDING = "pending", _("to be written")
    DONE = "done", _("written")
    FAILED = "failed", _("gave up")


class BookingEvent(models.Model):
    """The event SofaDoc keeps in the coach's calendar for one booking.

    `uid` is ours and fixed per booking, so writing twice updates the same event (idempotent);
    `wanted` says what the calendar should show (the event, or nothing after a cancellation),
    the task makes it so, and a beat scan retries pending rows with backoff.
    """

    booking = models.OneToOneField(
        "bookings.Booking", on_delete=models.CASCADE, related_name="calendar_event"
    )
    calendar = models.ForeignKey(
        RemoteCalendar, on_delete=models.CASCADE, related_name="booking_events"
    )
    uid = models.CharField(_("event id"), max_length=200, unique=True)
    remote_id = models.CharField(_("remote id"), max_length=500, blank=True)
    present = models.BooleanField(_("event should exist"), default=True)
    sequence = models.PositiveIntegerField(default=0)
    state = models.CharField(
        _("state"), max_length=8, choices=WriteState.choices, default=WriteState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("booking in a calendar")
        verbose_name_plural = _("bookings in calendars")
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(state="pending"),
                name="calendars_write_due",
            )
        ]

    def __str__(self) -> str:
        return self.uid


__all__ = [
    "SYNC_EVERY",
    "UNREACHABLE_BROKEN_AFTER",
    "BookingEvent",
    "BusyInterval",
    "CalendarConnection",
    "ConnectionState",
    "HourBlock",
    "Provider",
    "RemoteCalendar",
    "WriteState",
]
