"""A coach's online practice: profile, session types, weekly hours, time off, booking rules.

Rules are wall-clock times in the practice's IANA zone; bookings (elsewhere) are UTC.
"""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from coaching.practices.availability import SlotRules
from sofadoc.accounts.timezones import time_zone_choices


class Specialty(models.Model):
    """A coaching topic clients filter by; names are kept in both site languages."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name_de = models.CharField(_("name (German)"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=80)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("specialty")
        verbose_name_plural = _("specialties")
        ordering = ["position", "name_de"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if translation.get_language() == "en" else self.name_de


class Language(models.Model):
    """A language a coach offers sessions in, by ISO 639-1 code; names come from Django."""

    code = models.CharField(_("code"), max_length=8, primary_key=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("language")
        verbose_name_plural = _("languages")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        try:
            return str(translation.get_language_info(self.code)["name_translated"])
        except KeyError:
            return self.code


class TaxTreatment(models.TextChoices):
    SMALL_BUSINESS = "small_business", _("Small business (§ 19 UStG): no VAT charged")
    VAT = "vat", _("19 % VAT")
    EXEMPT_HEALING = (
        "exempt_healing",
        _("Exempt healing profession (§ 4 Nr. 14 UStG): psychotherapist or Heilpraktiker"),
    )


# The practice's booking rules: those the slot engine needs (read on their own where slots are
# computed) and, with the cancellation window, all the coach sets on the rules page.
SLOT_RULE_FIELDS = (
    "min_notice_hours",
    "horizon_days",
    "buffer_before_minutes",
    "buffer_after_minutes",
    "slot_step_minutes",
)
BOOKING_RULE_FIELDS = (*SLOT_RULE_FIELDS, "cancellation_window_hours")


class Practice(models.Model):
    # SET_NULL: when a coach erases their account the practice row stays (anonymised by
    # practice_erase), because bookings and receipts of their clients point at it.
    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="practice",
        verbose_name=_("coach"),
    )
    name = models.CharField(_("practice name"), max_length=120)
    slug = models.SlugField(_("web address"), max_length=80, unique=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        choices=time_zone_choices,
        default="Europe/Berlin",
        help_text=_("Your weekly hours are entered in this zone."),
    )

    headline = models.CharField(
        _("headline"),
        max_length=140,
        blank=True,
        help_text=_("One sentence under your name, e.g. “Career coaching for engineers”."),
    )
    bio = models.TextField(
        _("about you"),
        max_length=5000,
        blank=True,
        help_text=_("Your approach, training and experience. Plain text; line breaks are kept."),
    )
    photo = models.ImageField(_("photo"), upload_to="practices/", blank=True)
    photo_thumbnail = models.ImageField(
        _("photo thumbnail"), upload_to="practices/", blank=True, editable=False
    )
    specialties = models.ManyToManyField(
        Specialty, related_name="practices", blank=True, verbose_name=_("specialties")
    )
    languages = models.ManyToManyField(
        Language, related_name="practices", blank=True, verbose_name=_("session languages")
    )
    # Weighted German full-text document, written by services.practice_refresh_search on
    # PostgreSQL (GIN-indexed there); unused on the SQLite demo, which searches with icontains.
    search_document = SearchVectorField(null=True, editable=False)

    # Receipts are issued in the coach's name (DESIGN.md, money flow): who issues them, and how.
    billing_name = models.CharField(
        _("name on receipts"),
        max_length=160,
        blank=True,
        help_text=_("Your name or business name as it should appear on receipts."),
    )
    billing_address = models.TextField(_("business address"), max_length=400, blank=True)
    tax_number = models.CharField(
        _("tax number or VAT ID"),
        max_length=32,
        blank=True,
        help_text=_("Steuernummer or USt-IdNr., printed on every receipt."),
    )
    # The three ways a German coach charges (or does not charge) VAT. It lives on the practice,
    # next to the other issuer details, rather than in a billing model: it is one value per
    # coach with no history of its own (every document snapshots the treatment it was issued
    # under), the coach edits it on the same page as name and address, and the setup checklist
    # in this app must read it without importing billing (practices imports no other app).
    tax_treatment = models.CharField(
        _("VAT treatment"),
        max_length=16,
        choices=TaxTreatment.choices,
        default=TaxTreatment.SMALL_BUSINESS,
    )
    vat_id = models.CharField(
        _("VAT ID"),
        max_length=16,
        blank=True,
        help_text=_("USt-IdNr., e.g. DE123456789. Needed if you charge VAT."),
    )

    # Booking rules (BOOKING_RULE_FIELDS below: the form, the admin and the export show them)
    min_notice_hours = models.PositiveSmallIntegerField(
        _("minimum notice (hours)"), default=12, validators=[MaxValueValidator(24 * 14)]
    )
    horizon_days = models.PositiveSmallIntegerField(
        _("booking horizon (days)"),
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    buffer_before_minutes = models.PositiveSmallIntegerField(
        _("buffer before a session (minutes)"), default=0, validators=[MaxValueValidator(240)]
    )
    buffer_after_minutes = models.PositiveSmallIntegerField(
        _("buffer after a session (minutes)"), default=10, validators=[MaxValueValidator(240)]
    )
    slot_step_minutes = models.PositiveSmallIntegerField(
        _("slot step (minutes)"),
        default=30,
        validators=[MinValueValidator(5), MaxValueValidator(240)],
        help_text=_("Sessions can start every this many minutes."),
    )
    cancellation_window_hours = models.PositiveSmallIntegerField(
        _("free cancellation until (hours before start)"),
        default=24,
        validators=[MaxValueValidator(24 * 14)],
    )

    is_published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("practice")
        verbose_name_plural = _("practices")
        ordering = ["name"]
        indexes = [
            # The directory's default order, so its first pages are read straight off an index.
            models.Index(
                models.F("published_at").desc(),
                "name",
                "id",
                condition=Q(is_published=True),
                name="practice_directory_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("practices:detail", kwargs={"slug": self.slug})

    @property
    def has_issuer_details(self) -> bool:
        """Everything a receipt in the coach's name must show (VAT ID only if VAT is charged)."""
        basics = bool(self.billing_name and self.billing_address and self.tax_number)
        return basics and (self.tax_treatment != TaxTreatment.VAT or bool(self.vat_id))

    def slot_rules(self, session_type: "SessionType") -> SlotRules:
        return SlotRules(
            duration=timedelta(minutes=session_type.duration_minutes),
            buffer_before=timedelta(minutes=self.buffer_before_minutes),
            buffer_after=timedelta(minutes=self.buffer_after_minutes),
            step=timedelta(minutes=self.slot_step_minutes),
            min_notice=timedelta(hours=self.min_notice_hours),
            horizon=timedelta(days=self.horizon_days),
        )


class SessionType(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="session_types")
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(10), MaxValueValidator(480)]
    )
    price = models.DecimalField(
        _("price"), max_digits=8, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR", editable=False)
    is_active = models.BooleanField(_("bookable"), default=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("session type")
        verbose_name_plural = _("session types")
        ordering = ["position", "duration_minutes", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gt=0), name="session_type_duration_positive"
            ),
            models.CheckConstraint(
                condition=Q(price__gte=0), name="session_type_price_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.duration_minutes} min)"


class WeeklyHours(models.Model):
    """One opening window on a weekday, in the practice's wall clock."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="weekly_hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("until"))

    class Meta:
        verbose_name = _("weekly hours")
        verbose_name_plural = _("weekly hours")
        ordering = ["weekday", "start_time"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=F("start_time")), name="weekly_hours_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}–{self.end_time:%H:%M}"


class TimeOff(models.Model):
    """Whole days without sessions (holidays), inclusive, in the practice's zone."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="time_off")
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))
    note = models.CharField(_("note"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("time off")
        verbose_name_plural = _("time off")
        ordering = ["first_day"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day__gte=F("first_day")), name="time_off_last_not_before_first"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_day:%d.%m.%Y}–{self.last_day:%d.%m.%Y}"


class PracticeSlugRedirect(models.Model):
    """A slug a practice used before, so old links and bookmarks keep working."""

    slug = models.SlugField(_("previous web address"), max_length=80, unique=True)
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="slug_redirects")
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("previous web address")
        verbose_name_plural = _("previous web addresses")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.slug} → {self.practice.slug}"
