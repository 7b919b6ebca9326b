"""Forms of the practice setup, the directory filters and the slots API."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from coaching.practices.directory import SORTS, DirectoryFilters
from coaching.practices.models import (
    Language,
    Practice,
    PracticeSlugRedirect,
    SessionType,
    Specialty,
    TaxTreatment,
    TimeOff,
    WeeklyHours,
)
from coaching.practices.photos import ProcessedPhoto, process_photo, validate_photo_upload
from coaching.practices.services import Opening
from sofadoc.accounts.timezones import time_zone_choices

RESERVED_SLUGS = {"book", "slots", "new", "admin", "api", "search"}
WINDOWS_PER_DAY = 3
MAX_SLOT_DAYS = 62
# slots.json answers for dates this close to today; farther ones have no slots anyway, and dates
# near year 1 or 9999 would overflow when turned into datetimes.
MAX_SLOT_DISTANCE = timedelta(days=2 * 366)


class _SlugMixin:
    """Slugs are unique across current and previous addresses, so old links never change owner."""

    def clean_slug(self) -> str:
        # An empty address is derived from the name (cleaned before it, by field order).
        slug = slugify(self.cleaned_data.get("slug") or self.cleaned_data.get("name", ""))[:80]
        if not slug:
            raise ValidationError(_("Please use letters or digits in the web address."))
        if slug in RESERVED_SLUGS:
            raise ValidationError(_("This web address is reserved. Please choose another."))
        own = self.instance.pk
        taken = Practice.objects.filter(slug=slug).exclude(pk=own).exists() or (
            PracticeSlugRedirect.objects.filter(slug=slug).exclude(practice_id=own).exists()
        )
        if taken:
            raise ValidationError(_("This web address is already taken. Please choose another."))
        return slug


class PracticeStartForm(_SlugMixin, forms.ModelForm):
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices)

    class Meta:
        model = Practice
        fields = ["name", "slug", "time_zone"]
        help_texts = {
            "slug": _("Your page will be at /coaches/<address>/. Letters, digits, dashes.")
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False


class PracticeProfileForm(_SlugMixin, forms.ModelForm):
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices)
    specialties = forms.ModelMultipleChoiceField(
        label=_("Specialties"),
        queryset=Specialty.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    languages = forms.ModelMultipleChoiceField(
        label=_("Languages you coach in"),
        queryset=Language.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Practice
        fields = ["name", "slug", "headline", "bio", "time_zone", "specialties", "languages"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 8})}


class PhotoForm(forms.Form):
    photo = forms.ImageField(
        label=_("Photo"),
        help_text=_("JPEG, PNG or WebP, at most 8 MB. We crop it to a square and remove metadata."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    def clean_photo(self) -> ProcessedPhoto:
        """The upload decoded and cut to size: checked for size, format and pixels before
        decoding, so a decompression bomb is refused unread and a broken file is a form error."""
        upload = self.cleaned_data["photo"]
        validate_photo_upload(upload)
        return process_photo(upload)


class BillingForm(forms.ModelForm):
    """The coach's issuer details and VAT treatment, printed on every receipt SofaDoc issues in
    their name (coaching/billing). Owned by billing; it edits practice fields, so it lives here."""

    class Meta:
        model = Practice
        fields = ["billing_name", "billing_address", "tax_number", "tax_treatment", "vat_id"]
        widgets = {
            "billing_address": forms.Textarea(attrs={"rows": 3}),
            "tax_treatment": forms.RadioSelect,
        }

    def clean_vat_id(self):
        vat_id = re.sub(r"\s", "", self.cleaned_data.get("vat_id") or "").upper()
        if vat_id and not re.fullmatch(r"DE\d{9}", vat_id):
            raise ValidationError(_("A German VAT ID is DE followed by nine digits."))
        return vat_id

    def clean(self):
        cleaned = super().clean()
        for name in ("billing_name", "billing_address", "tax_number"):
            if not (cleaned.get(name) or "").strip():
                self.add_error(name, _("Receipts need this."))
        charges_vat = cleaned.get("tax_treatment") == TaxTreatment.VAT
        if charges_vat and not cleaned.get("vat_id") and "vat_id" not in self.errors:
            self.add_error("vat_id", _("Receipts with VAT show your VAT ID."))
        return cleaned


class SessionTypeForm(forms.ModelForm):
    class Meta:
        model = SessionType
        fields = ["name", "description", "duration_minutes", "price", "is_active", "position"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "price": forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"}),
        }
        labels = {"price": _("Price in EUR")}


class RulesForm(forms.ModelForm):
    class Meta:
        model = Practice
        fields = [
            "min_notice_hours",
            "horizon_days",
            "buffer_before_minutes",
            "buffer_after_minutes",
            "slot_step_minutes",
            "cancellation_window_hours",
        ]


class WeeklyHoursForm(forms.Form):
    """A grid: each weekday has up to three windows, each a from/until pair of times."""

    def __init__(self, *args, practice: Practice, **kwargs):
        super().__init__(*args, **kwargs)
        existing: dict[int, list[WeeklyHours]] = {}
        for hours in practice.weekly_hours.all():
            existing.setdefault(hours.weekday, []).append(hours)
        for weekday, label in WeeklyHours.Weekday.choices:
            windows = existing.get(weekday, [])
            for index in range(max(WINDOWS_PER_DAY, len(windows))):
                current = windows[index] if index < len(windows) else None
                for part in ("start", "end"):
                    name = f"d{weekday}_{index}_{part}"
                    self.fields[name] = forms.TimeField(
                        label=_("%(day)s, window %(n)s, %(part)s")
                        % {
                            "day": label,
                            "n": index + 1,
                            "part": _("from") if part == "start" else _("until"),
                        },
                        required=False,
                        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                        initial=getattr(current, f"{part}_time", None),
                    )

    def rows(self):
        """(weekday label, [(start field, end field), ...]) for the template's grid."""
        for weekday, label in WeeklyHours.Weekday.choices:
            indexes = sorted(
                {int(name.split("_")[1]) for name in self.fields if name.startswith(f"d{weekday}_")}
            )
            yield (
                label,
                [(self[f"d{weekday}_{i}_start"], self[f"d{weekday}_{i}_end"]) for i in indexes],
            )

    def clean(self):
        cleaned = super().clean()
        openings = []
        for name in self.fields:
            if not name.endswith("_start"):
                continue
            prefix = name.removesuffix("_start")
            start, end = cleaned.get(name), cleaned.get(f"{prefix}_end")
            if start is None and end is None:
                continue
            if start is None or end is None:
                self.add_error(
                    name if start is None else f"{prefix}_end", _("Please give both times.")
                )
                continue
            if end <= start:
                self.add_error(f"{prefix}_end", _("The window must end after it starts."))
                continue
            openings.append(Opening(int(prefix[1:].split("_")[0]), start, end))
        self.openings = openings
        return cleaned


class TimeOffForm(forms.ModelForm):
    class Meta:
        model = TimeOff
        fields = ["first_day", "last_day", "note"]
        widgets = {
            "first_day": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "last_day": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first_day"), cleaned.get("last_day")
        if first and last and last < first:
            self.add_error("last_day", _("The last day cannot be before the first day."))
        return cleaned


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    specialty = forms.ModelChoiceField(
        label=_("Specialty"),
        queryset=Specialty.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All specialties"),
    )
    language = forms.ModelChoiceField(
        label=_("Language"),
        queryset=Language.objects.all(),
        required=False,
        empty_label=_("All languages"),
    )
    max_price = forms.DecimalField(
        label=_("Max. price (EUR)"),
        min_value=Decimal("0"),
        max_value=Decimal("100000"),
        decimal_places=2,
        required=False,
        widget=forms.NumberInput(attrs={"step": "5", "min": "0", "inputmode": "decimal"}),
    )
    free7 = forms.BooleanField(label=_("Free within the next 7 days"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("relevance", _("Best match")),
            ("price", _("Price, lowest first")),
            ("-price", _("Price, highest first")),
            ("name", _("Name")),
            ("newest", _("Newest")),
        ],
    )

    # The search box stays in view; the rest folds away on phones (directory_listing.html).
    ALWAYS_SHOWN = ("q",)

    def shown_fields(self) -> list:
        return [self[name] for name in self.ALWAYS_SHOWN]

    def folded_fields(self) -> list:
        return [field for field in self.visible_fields() if field.name not in self.ALWAYS_SHOWN]

    def active_filter_count(self) -> int:
        """How many of the folded filters narrow the list, shown on the folded section."""
        if not self.is_bound or not self.is_valid():
            return 0
        data = self.cleaned_data
        chosen = [
            data.get("specialty"),
            data.get("language"),
            data.get("max_price") is not None,
            data.get("free7"),
        ]
        return sum(bool(value) for value in chosen)

    def filters(self) -> DirectoryFilters:
        data = self.cleaned_data
        sort = data.get("sort") or "relevance"
        return DirectoryFilters(
            q=data.get("q", "").strip(),
            specialty=data.get("specialty"),
            language=data.get("language"),
            max_price=data.get("max_price"),
            free_soon=bool(data.get("free7")),
            sort=sort if sort in SORTS else "relevance",
        )


class SlotsQueryForm(forms.Form):
    """Query of slots.json; `type` must be a bookable session type of the practice."""

    type = forms.IntegerField(min_value=1)
    start = forms.DateField(input_formats=["%Y-%m-%d"])
    days = forms.IntegerField(min_value=1, max_value=MAX_SLOT_DAYS, required=False)

    def __init__(
        self, *args, practice: Practice, session_type: SessionType | None = None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.practice = practice
        self.session_type = session_type  # already read by the view with the practice, if given

    def clean_type(self) -> SessionType:
        if self.session_type is not None and self.session_type.pk == self.cleaned_data["type"]:
            return self.session_type
        session_type = SessionType.objects.filter(
            practice=self.practice, is_active=True, pk=self.cleaned_data["type"]
        ).first()
        if session_type is None:
            raise ValidationError(_("This practice has no bookable session type with this id."))
        session_type.practice = self.practice  # the one the view read; no second read
        return session_type

    def clean_start(self):
        start = self.cleaned_data["start"]
        if abs(start - timezone.localdate()) > MAX_SLOT_DISTANCE:
            raise ValidationError(_("Choose a start date within two years of today."))
        return start
