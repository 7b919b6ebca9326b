"""Messages to people (e-mail, SMS, in-app inbox) and each person's choices about them.

One row per recipient, kind and channel: the row is the delivery log and, for the inbox channel,
the message itself. Every e-mail the site sends is such a row, also one to a mailbox (support,
data-protection requests) or to a person whose account is gone: then `recipient` is empty and
`address` and `language` say where and how it goes. Unique constraints make each booking
message happen at most once per booking revision (`booking_sequence`: a moved session gets
fresh reminders, the old ones lapse).
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coaching.notifications.registry import label_for
from sofadoc.crypto import EncryptedTextField

if TYPE_CHECKING:
    from sofadoc.accounts.models import User


class Kind(StrEnum):
    """The codes of the kinds notifications sends itself (registered in kinds.py). Other apps
    register their own codes (registry.py); `Notification.kind` holds any registered code."""

    WELCOME = "welcome"
    BOOKING_CONFIRMED = "booking_confirmed"
    BOOKING_CANCELLED = "booking_cancelled"
    BOOKING_REFUNDED = "booking_refunded"
    BOOKING_MOVED = "booking_moved"
    REMINDER_24H = "reminder_24h"
    REMINDER_1H = "reminder_1h"
    PAYMENT_PENDING = "payment_pending"
    CALENDAR_NUDGE = "calendar_nudge"
    NEWS_CONFIRM = "news_confirm"
    PAYMENT_PROBLEM = "payment_problem"
    MERCHANT_REVOKED = "merchant_revoked"
    DISPUTE_OPENED = "dispute_opened"
    DATA_EXPORT_READY = "data_export_ready"


# A message whose sending failed (or killed its worker) this often is given up for staff to see.
MAX_ATTEMPTS = 5


class Channel(models.TextChoices):
    EMAIL = "email", _("e-mail")
    SMS = "sms", _("SMS")
    INBOX = "inbox", _("inbox")


class Status(models.TextChoices):
    QUEUED = "queued", _("queued")
    # Claimed by a worker that is sending it right now (see services: delivery).
    SENDING = "sending", _("sending")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")
    SKIPPED = "skipped", _("skipped")


class Notification(models.Model):
    # Erasing an account erases the messages sent to it. Empty for a mail to an address that
    # is no account (a mailbox, or a person whose account was erased).
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    # Where an e-mail goes when it is not the recipient's own address (a mailbox, an address
    # being confirmed, a former account's address: that one is blanked once sent).
    address = models.EmailField(_("address"), blank=True)
    # The language of a message without a recipient (a recipient's own language wins).
    language = models.CharField(_("language"), max_length=8, blank=True)
    # A code from the kind registry (registry.py): no choices here, so that an app adding a
    # kind needs no migration of this app.
    kind = models.CharField(_("kind"), max_length=24)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    # Bookings are never deleted (receipts); PROTECT keeps the once-only guarantee honest.
    booking = models.ForeignKey(
        "bookings.Booking",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("booking"),
    )
    booking_sequence = models.PositiveIntegerField(_("booking revision"), null=True, blank=True)
    # What the message is about and what makes it unique (e.g. "export:7", the ISO week of a
    # nudge); a kind's context reads its object back from it, so a resend keeps it too.
    key = models.CharField(_("key"), max_length=32, blank=True)
    # A staff resend: the number of the row it repeats (a number, not a link: the log's rows go
    # their own ways). Being a resend, not a changed key, takes it out of the once-only rules.
    resend_of = models.PositiveBigIntegerField(_("resend of"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    # Only inbox rows keep the text: it is what the person reads under "Messages".
    body = models.TextField(_("text"), blank=True)
    # What the sender handed over for the text (JSON: a confirmation link, a news text, the
    # facts of a staff alert): encrypted, never shown in the admin, emptied once sent.
    payload = EncryptedTextField(_("payload"), blank=True)
    provider_id = models.CharField(_("provider message id"), max_length=64, blank=True)
    queued_at = models.DateTimeField(_("queued"), default=timezone.now)
    # When a worker last claimed it: a claim older than the lease was abandoned by a stopped
    # worker and is taken again; a failed row waits for the next scan after it.
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    # Set only for people who consented to open tracking; nothing is recorded otherwise.
    opened = models.BooleanField(_("opened"), default=False)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-queued_at", "-pk"]
        indexes = [
            models.Index(
                fields=["recipient", "-queued_at"],
                condition=Q(channel="inbox"),
                name="notification_inbox",
            ),
            models.Index(
                fields=["queued_at"],
                condition=Q(status__in=["queued", "sending", "failed"]),
                name="notification_pending",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["booking", "booking_sequence", "kind", "channel", "recipient"],
                condition=Q(booking__isnull=False, key="", resend_of__isnull=True),
                name="notification_once_per_booking",
            ),
            models.UniqueConstraint(
                fields=["recipient", "kind", "channel", "key"],
                condition=Q(booking__isnull=True, resend_of__isnull=True),
                name="notification_once_per_key",
            ),
            # Without a recipient the key alone names the message (the address may be blanked
            # once sent, and an address is not a person to count "once" for).
            models.UniqueConstraint(
                fields=["kind", "channel", "key"],
                condition=Q(recipient__isnull=True, resend_of__isnull=True),
                name="notification_once_per_address",
            ),
            models.CheckConstraint(
                condition=Q(recipient__isnull=False)
                | ~Q(address="")
                # once over, a former account's address is forgotten
                | Q(status__in=["sent", "skipped", "failed"]),
                name="notification_has_recipient",
            ),
        ]

    def __str__(self) -> str:
        to = self.recipient_id or _("address")
        return f"{self.kind_label} → {to} ({self.channel}, {self.status})"

    @property
    def kind_label(self) -> str:
        return label_for(self.kind)

    @property
    def person(self) -> User:
        """The recipient of a message that only a person can get (SMS, inbox, push, a booking's
        or a staff kind); only e-mails go to a bare address."""
        if self.recipient is None:
            raise ValueError(f"notification {self.pk} goes to an address, not to a person")
        return self.recipient

    @property
    def person_id(self) -> int:
        """person's key, without loading the person."""
        if self.recipient_id is None:
            raise ValueError(f"notification {self.pk} goes to an address, not to a person")
        return self.recipient_id


class ReminderTiming(models.TextChoices):
    BOTH = "both", _("24 hours and 1 hour before")
    DAY = "24h", _("24 hours before")
    HOUR = "1h", _("1 hour before")


class Preferences(models.Model):
    """What a person chose. Service messages always go by e-mail and to the inbox."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("user"),
    )
    reminder_timing = models.CharField(
        _("reminders"), max_length=4, choices=ReminderTiming.choices, default=ReminderTiming.BOTH
    )
    sms_reminders = models.BooleanField(_("reminders by SMS"), default=False)
    # Confirmations, changes, cancellations, refunds and payment notices.
    sms_booking_messages = models.BooleanField(_("booking messages by SMS"), default=False)
    # The number that was confirmed by code; SMS go only while it equals the profile's number.
    sms_confirmed_phone = models.CharField(_("confirmed mobile number"), max_length=20, blank=True)
    sms_code_hash = models.CharField(max_length=128, blank=True)
    sms_code_expires_at = models.DateTimeField(null=True, blank=True)
    sms_code_attempts = models.PositiveSmallIntegerField(default=0)
    # Set when the number replied STOP or Twilio reported it opted out (error 21610).
    sms_opted_out_at = models.DateTimeField(_("SMS opted out"), null=True, blank=True)
    news_requested_at = models.DateTimeField(_("news requested"), null=True, blank=True)
    news_confirmed_at = models.DateTimeField(_("news confirmed"), null=True, blank=True)
    open_tracking = models.BooleanField(_("e-mail open tracking"), default=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("notification preferences")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user)

    def sms_possible(self) -> bool:
        phone = self.user.phone
        return bool(phone) and phone == self.sms_confirmed_phone and not self.sms_opted_out_at

    def wants_reminder(self, kind: str) -> bool:
        if self.reminder_timing == ReminderTiming.BOTH:
            return True
        return (kind == Kind.REMINDER_24H) == (self.reminder_timing == ReminderTiming.DAY)


class PushSubscription(models.Model):
    """One browser (device) that accepted web push for a person (policy § 7). The endpoint and
    keys come from the browser's PushManager; the push service only ever sees encrypted text."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="push_subscriptions",
        verbose_name=_("user"),
    )
    endpoint = models.URLField(_("push service address"), max_length=1000, unique=True)
    p256dh = models.CharField(max_length=128)
    auth = models.CharField(max_length=64)
    # A name the person recognises ("Firefox push service"), from the endpoint's host.
    service = models.CharField(_("push service"), max_length=100)
    reminders = models.BooleanField(_("session reminders"), default=True)
    messages = models.BooleanField(_("new messages"), default=True)
    created_at = models.DateTimeField(_("switched on"), auto_now_add=True)
    last_sent_at = models.DateTimeField(_("last sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("push subscription")
        verbose_name_plural = _("push subscriptions")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.service} ({self.created_at:%Y-%m-%d})"
