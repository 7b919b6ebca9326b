"""Bookings and their audit trail. Receipts are billing documents (coaching/billing); the money
that moves for them is in payments
(a booking points to its Purchase; payments and refunds belong to that).

Times are UTC. Nothing here is ever deleted: a booking ends in a final state, and when a client
erases their account the booking stays, without them, because its money records must be kept.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coaching.payments.models import Payment, Purchase, Refund
from coaching.practices.models import Practice, SessionType
from coaching.practices.pages import availability_changed

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out on the phone


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


def new_reference() -> str:
    code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"SD-{code[:4]}-{code[4:]}"


class BookingState(models.TextChoices):
    HELD = "held", _("held for payment")
    CONFIRMED = "confirmed", _("confirmed")
    COMPLETED = "completed", _("completed")
    NO_SHOW = "no_show", _("client did not attend")
    EXPIRED = "expired", _("hold expired")
    ABANDONED = "abandoned", _("payment cancelled")
    CANCELLED = "cancelled", _("cancelled")


# States in which a booking keeps the coach's time (and the exclusion constraint applies).
HOLDING_STATES = (BookingState.HELD, BookingState.CONFIRMED)


class Role(models.TextChoices):
    """The part someone plays in a booking (`role` in the services, `actor_role` in its
    history); the person themselves is the `actor` argument, a User."""

    CLIENT = "client", _("client")
    COACH = "coach", _("coach")
    STAFF = "staff", _("staff")
    SYSTEM = "system", _("system")


class Booking(models.Model):
    reference = models.CharField(
        _("reference"), max_length=16, unique=True, default=new_reference, editable=False
    )
    practice = models.ForeignKey(
        Practice, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("practice")
    )
    session_type = models.ForeignKey(
        SessionType,
        on_delete=models.PROTECT,
        related_name="bookings",
        verbose_name=_("session type"),
    )
    # Kept when the client erases their account: the booking is then anonymous.
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="bookings",
        verbose_name=_("client"),
    )
    state = models.CharField(
        _("state"), max_length=16, choices=BookingState.choices, default=BookingState.HELD
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    # The coach's time this booking keeps: the session plus the practice's buffers.
    blocked_start = models.DateTimeField(_("blocked from"), editable=False)
    blocked_end = models.DateTimeField(_("blocked until"), editable=False)
    hold_expires_at = models.DateTimeField(_("hold expires"), null=True, blank=True)

    # What was agreed, copied at booking time: later changes to the practice don't alter it.
    session_name = models.CharField(_("session"), max_length=120)
    price = models.DecimalField(_("price"), max_digits=8, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    cancellation_window_hours = models.PositiveSmallIntegerField(_("free cancellation until (h)"))
    # What the client pays through (payments): created when they first go to pay.
    purchase = models.ForeignKey(
        Purchase,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bookings",
        verbose_name=_("purchase"),
    )

    cancelled_by = models.CharField(
        _("cancelled by"), max_length=8, choices=Role.choices, blank=True
    )
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True, max_length=1000)
    sequence = models.PositiveIntegerField(_("calendar revision"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["start"]
        indexes = [
            models.Index(fields=["practice", "start"], name="booking_practice_start"),
            models.Index(fields=["client", "start"], name="booking_client_start"),
            models.Index(
                fields=["hold_expires_at"],
                condition=Q(state="held"),
                name="booking_open_holds",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="booking_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(blocked_start__lte=models.F("start"), blocked_end__gte=models.F("end")),
                name="booking_blocked_covers_session",
            ),
            # The exclusion constraint against overlaps is added by migration 0002 on PostgreSQL.
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.session_name} {self.start:%Y-%m-%d %H:%M} UTC"

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        # Every change of a booking (a hold, a payment, a cancellation, a move, an expired
        # hold) is saved here: the practice's cached page with its free times goes.
        availability_changed(self.practice_id)

    @property
    def coach_id(self) -> int:
        return self.practice.owner_id  # type: ignore[return-value]

    # Looked up through the booking's row, not `purchase_id`: an instance loaded before the
    # client went to pay (when the purchase was created) still finds its payments.
    @property
    def payments(self) -> models.QuerySet[Payment]:
        """The payments of this booking's purchase (none before the client went to pay)."""
        return Payment.objects.filter(purchase__bookings=self)

    @property
    def refunds(self) -> models.QuerySet[Refund]:
        return Refund.objects.filter(payment__purchase__bookings=self)

    def free_cancellation_until(self) -> datetime:
        return self.start - timedelta(hours=self.cancellation_window_hours)

    @property
    def join_opens_at(self) -> datetime:
        """The video room opens a few minutes early, so nobody starts late over a camera."""
        return self.start - timedelta(minutes=settings.VIDEO_JOIN_EARLY_MINUTES)

    @property
    def can_join_now(self) -> bool:
        return self.state == BookingState.CONFIRMED and (
            self.join_opens_at <= timezone.now() < self.end
        )

    def is_free_to_cancel(self, now: datetime | None = None) -> bool:
        return (now or timezone.now()) <= self.free_cancellation_until()


class BookingEvent(models.Model):
    """The audit trail: every state change (and move), who did it, when and why."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    actor_role = models.CharField(_("by"), max_length=8, choices=Role.choices)
    from_state = models.CharField(
        _("from"), max_length=16, choices=BookingState.choices, blank=True
    )
    to_state = models.CharField(_("to"), max_length=16, choices=BookingState.choices)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("booking event")
        verbose_name_plural = _("booking events")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.booking.reference}: {self.from_state or '–'} → {self.to_state}"


class CalendarFeed(models.Model):
    """The secret address of a coach's iCal feed; a new token makes the old address stop working."""

    practice = models.OneToOneField(
        Practice, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return str(self.practice)
