"""Packages (N sessions of one session type for one price), what a client bought of them, and
the credits: an append-only ledger of grants and uses per client package, never a counter.

A client's balance is the sum of their credit entries; the database refuses UPDATE and DELETE on
them (migration 0002), so no code path can make it drift. The client's name is on the client
package only (cleared on erasure), never on the entries, which therefore never change.
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coaching.payments.models import Purchase
from coaching.practices.models import Practice, SessionType

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
MAX_SESSIONS = 50


def new_reference(prefix: str) -> str:
    code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"{prefix}-{code[:4]}-{code[4:]}"


def new_package_reference() -> str:
    return new_reference("PK")


class ExpiryRule(models.TextChoices):
    EXPIRE = "expire", _("Unused sessions expire")
    REFUND = "refund", _("Unused sessions are refunded pro rata")


class Package(models.Model):
    """A coach's offer: `sessions` sessions of one session type for `price`, valid for
    `validity_days` from the purchase."""

    practice = models.ForeignKey(
        Practice, on_delete=models.PROTECT, related_name="packages", verbose_name=_("practice")
    )
    session_type = models.ForeignKey(
        SessionType, on_delete=models.PROTECT, related_name="packages", verbose_name=_("session")
    )
    name = models.CharField(_("name"), max_length=120)
    sessions = models.PositiveSmallIntegerField(
        _("number of sessions"), validators=[MinValueValidator(2), MaxValueValidator(MAX_SESSIONS)]
    )
    price = models.DecimalField(
        _("price"), max_digits=8, decimal_places=2, validators=[MinValueValidator(Decimal("1"))]
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR", editable=False)
    validity_days = models.PositiveSmallIntegerField(
        _("valid for (days)"),
        default=180,
        validators=[MinValueValidator(7), MaxValueValidator(730)],
    )
    expiry_rule = models.CharField(
        _("at expiry"), max_length=8, choices=ExpiryRule.choices, default=ExpiryRule.EXPIRE
    )
    is_active = models.BooleanField(_("on sale"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("package")
        verbose_name_plural = _("packages")
        ordering = ["practice", "sessions", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sessions__gte=2, sessions__lte=MAX_SESSIONS), name="package_sessions"
            ),
            models.CheckConstraint(condition=Q(price__gt=0), name="package_price_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.sessions} × {self.session_type.name})"

    @property
    def price_per_session(self) -> Decimal:
        return (self.price / self.sessions).quantize(Decimal("0.01"))

    @property
    def saving_per_session(self) -> Decimal:
        """What a session costs less than booked alone (0 when it does not)."""
        return max(self.session_type.price - self.price_per_session, Decimal("0.00"))


class ClientPackageState(models.TextChoices):
    HELD = "held", _("waiting for payment")
    ACTIVE = "active", _("active")
    EXPIRED = "expired", _("expired")
    ABANDONED = "abandoned", _("payment cancelled")
    REVOKED = "revoked", _("revoked (payment reversed)")


class ClientPackage(models.Model):
    """What a client bought: the offer's terms are copied, so a later change alters nothing."""

    reference = models.CharField(
        _("reference"), max_length=16, unique=True, default=new_package_reference, editable=False
    )
    package = models.ForeignKey(
        Package, on_delete=models.PROTECT, related_name="sold", verbose_name=_("package")
    )
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="client_packages")
    session_type = models.ForeignKey(
        SessionType, on_delete=models.PROTECT, related_name="client_packages"
    )
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,  # kept without the client: its money records stay
        null=True,
        related_name="client_packages",
        verbose_name=_("client"),
    )
    name = models.CharField(_("name"), max_length=120)
    sessions = models.PositiveSmallIntegerField(_("number of sessions"))
    price = models.DecimalField(_("price"), max_digits=8, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    validity_days = models.PositiveSmallIntegerField(_("valid for (days)"))
    expiry_rule = models.CharField(_("at expiry"), max_length=8, choices=ExpiryRule.choices)
    state = models.CharField(
        _("state"),
        max_length=12,
        choices=ClientPackageState.choices,
        default=ClientPackageState.HELD,
    )
    purchase = models.ForeignKey(
        Purchase,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="client_packages",
        verbose_name=_("purchase"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    activated_at = models.DateTimeField(_("paid"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)

    class Meta:
        verbose_name = _("client package")
        verbose_name_plural = _("client packages")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["client", "state"], name="clientpackage_client_state"),
            models.Index(
                fields=["expires_at"], condition=Q(state="active"), name="clientpackage_due"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.name}"


class CreditKind(models.TextChoices):
    GRANT = "grant", _("sessions granted (paid)")
    USE = "use", _("session booked")
    RETURN = "return", _("session cancelled in time: credit returned")
    EXPIRE = "expire", _("unused sessions expired")
    REVOKE = "revoke", _("unused sessions revoked (payment reversed)")


class CreditEntry(models.Model):
    """One grant or use of session credits. Append-only (database trigger, migration 0002);
    the balance of a client package is the sum of its `delta`s."""

    client_package = models.ForeignKey(
        ClientPackage, on_delete=models.PROTECT, related_name="credits"
    )
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    session_type = models.ForeignKey(SessionType, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=8, choices=CreditKind.choices)
    delta = models.SmallIntegerField(_("sessions"))
    booking = models.ForeignKey(
        "bookings.Booking",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_entries",
        verbose_name=_("booking"),
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("credit entry")
        verbose_name_plural = _("credit entries")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(delta=0), name="credit_delta_not_zero"),
            # A booking uses a credit once and gives it back at most once.
            models.UniqueConstraint(
                fields=["booking", "kind"],
                condition=Q(booking__isnull=False),
                name="credit_once_per_booking",
            ),
            # Paid once, expired once.
            models.UniqueConstraint(
                fields=["client_package", "kind"],
                condition=Q(kind__in=["grant", "expire", "revoke"]),
                name="credit_grant_expire_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.delta:+d}"


def new_series_reference() -> str:
    return new_reference("SR")


MAX_OCCURRENCES = 52


class BookingSeries(models.Model):
    """A recurring series: the same weekday and wall-clock time, every `interval_weeks` weeks,
    paid once. Each occurrence is an ordinary booking (no-overlap constraint, moved or cancelled
    alone); they share the series' purchase, one purchase line each."""

    reference = models.CharField(
        _("reference"), max_length=16, unique=True, default=new_series_reference, editable=False
    )
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="series")
    session_type = models.ForeignKey(SessionType, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="booking_series",
        verbose_name=_("client"),
    )
    interval_weeks = models.PositiveSmallIntegerField(
        _("every (weeks)"), validators=[MinValueValidator(1), MaxValueValidator(2)]
    )
    count = models.PositiveSmallIntegerField(
        _("occurrences"), validators=[MinValueValidator(1), MaxValueValidator(MAX_OCCURRENCES)]
    )
    purchase = models.OneToOneField(
        Purchase, on_delete=models.PROTECT, related_name="series", verbose_name=_("purchase")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("booking series")
        verbose_name_plural = _("booking series")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.reference} ({self.count} × {self.session_type.name})"


COUPON_CODE_PATTERN = r"^[A-Z0-9][A-Z0-9-]{2,31}$"


class CouponKind(models.TextChoices):
    PERCENT = "percent", _("percent off")
    AMOUNT = "amount", _("amount off")


class Coupon(models.Model):
    """A code a coach gives out: a percentage or an amount off a single session, a series or a
    package of their practice, optionally for one session type or one package only, within a
    validity window, for a limited number of uses (CouponUse rows, counted under this row's
    lock: coupons.py)."""

    practice = models.ForeignKey(
        Practice, on_delete=models.PROTECT, related_name="coupons", verbose_name=_("practice")
    )
    code = models.CharField(
        _("code"),
        max_length=32,
        validators=[RegexValidator(COUPON_CODE_PATTERN)],
        help_text=_("3 to 32 letters, digits or hyphens, e.g. SOMMER20."),
    )
    kind = models.CharField(
        _("discount"), max_length=8, choices=CouponKind.choices, default=CouponKind.PERCENT
    )
    value = models.DecimalField(
        _("value"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("Percent (1 to 100) or an amount in euros."),
    )
    max_uses = models.PositiveIntegerField(
        _("number of uses"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Empty: unlimited."),
    )
    valid_from = models.DateTimeField(_("valid from"), null=True, blank=True)
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    session_type = models.ForeignKey(
        SessionType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coupons",
        verbose_name=_("only for the session"),
    )
    package = models.ForeignKey(
        Package,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coupons",
        verbose_name=_("only for the package"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("coupon")
        verbose_name_plural = _("coupons")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "code"], name="coupon_code_per_practice"),
            models.CheckConstraint(condition=Q(value__gt=0), name="coupon_value_positive"),
            models.CheckConstraint(
                condition=~Q(kind="percent") | Q(value__lte=100), name="coupon_percent_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return self.code


class CouponUse(models.Model):
    """One checkout that used a coupon: the purchase it lowered and by how much. It counts
    against the coupon's uses while the purchase is paid and not refunded in full, or held
    (until `hold_until`) and its payment neither cancelled nor failed: an abandoned checkout
    and a full refund give the use back by themselves (coupons.counting_uses)."""

    coupon = models.ForeignKey(
        Coupon, on_delete=models.PROTECT, related_name="uses", verbose_name=_("coupon")
    )
    purchase = models.OneToOneField(
        Purchase, on_delete=models.PROTECT, related_name="coupon_use", verbose_name=_("purchase")
    )
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,  # kept without the client: its money records stay
        null=True,
        related_name="coupon_uses",
        verbose_name=_("client"),
    )
    amount = models.DecimalField(_("discount"), max_digits=10, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    hold_until = models.DateTimeField(_("held until"))
    created_at = models.DateTimeField(_("used"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("coupon use")
        verbose_name_plural = _("coupon uses")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.coupon} −{self.amount} {self.currency}"
