from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Min, Q
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from coaching.practices.models import (
    BOOKING_RULE_FIELDS,
    Language,
    Practice,
    PracticeSlugRedirect,
    SessionType,
    Specialty,
    TimeOff,
    WeeklyHours,
)
from coaching.practices.services import (
    Opening,
    PublishBlocked,
    practice_publish,
    practice_refresh_search,
    practice_unpublish,
    practice_update,
    specialty_save,
    weekly_hours_check,
)


class SessionTypeInline(admin.TabularInline):
    model = SessionType
    extra = 0
    fields = ["name", "duration_minutes", "price", "is_active", "position"]


class WeeklyHoursFormSet(BaseInlineFormSet):
    """Staff get the same rule as coaches: windows of one weekday must not overlap."""

    def clean(self):
        super().clean()
        rows = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        openings = [
            Opening(row["weekday"], row["start_time"], row["end_time"])
            for row in rows
            if {"weekday", "start_time", "end_time"} <= row.keys()
        ]
        try:
            weekly_hours_check(openings)
        except ValidationError as error:
            raise ValidationError(error.messages) from error


class WeeklyHoursInline(admin.TabularInline):
    model = WeeklyHours
    formset = WeeklyHoursFormSet
    extra = 0


class TimeOffInline(admin.TabularInline):
    model = TimeOff
    extra = 0


class SlugRedirectInline(admin.TabularInline):
    model = PracticeSlugRedirect
    extra = 0
    readonly_fields = ["slug", "created_at"]
    can_delete = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Practice)
class PracticeAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "slug",
        "owner",
        "time_zone",
        "is_published",
        "session_type_count",
        "lowest_price",
        "published_at",
        "created_at",
    ]
    list_filter = ["is_published", "specialties", "languages", "time_zone"]
    search_fields = ["name", "slug", "headline", "owner__email", "owner__display_name"]
    list_select_related = ["owner"]
    autocomplete_fields = ["owner"]
    filter_horizontal = ["specialties", "languages"]
    # Publishing goes through the checklist (actions below); photos only through the coach's
    # upload, which strips metadata and resizes.
    readonly_fields = [
        "is_published",
        "published_at",
        "created_at",
        "updated_at",
        "photo",
        "photo_thumbnail",
    ]
    date_hierarchy = "created_at"
    inlines = [SessionTypeInline, WeeklyHoursInline, TimeOffInline, SlugRedirectInline]
    actions = ["publish", "unpublish"]
    fieldsets = [
        (None, {"fields": ["owner", "name", "slug", "time_zone", "is_published", "published_at"]}),
        (_("Profile"), {"fields": ["headline", "bio", "photo", "photo_thumbnail"]}),
        (_("Topics"), {"fields": ["specialties", "languages"]}),
        (
            _("Receipts"),
            {
                "fields": [
                    "billing_name",
                    "billing_address",
                    "tax_number",
                    "tax_treatment",
                    "vat_id",
                ]
            },
        ),
        (
            _("Booking rules"),
            {"fields": list(BOOKING_RULE_FIELDS)},
        ),
        (_("History"), {"fields": ["created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _type_count=Count("session_types", filter=Q(session_types__is_active=True)),
                _lowest_price=Min("session_types__price", filter=Q(session_types__is_active=True)),
            )
        )

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            return
        # Through the service, so a changed slug keeps redirecting from the old one.
        changed = [name for name in form.changed_data if name not in ("specialties", "languages")]
        practice_update(
            practice=obj, actor=request.user, fields={name: getattr(obj, name) for name in changed}
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        practice_refresh_search(practice=form.instance)  # topics are saved only now

    @admin.display(description=_("bookable session types"), ordering="_type_count")
    def session_type_count(self, obj):
        return obj._type_count

    @admin.display(description=_("from (EUR)"), ordering="_lowest_price")
    def lowest_price(self, obj):
        return obj._lowest_price

    @admin.action(description=_("Publish selected practices (if complete)"))
    def publish(self, request, queryset):
        done, refused = 0, []
        for practice in queryset:
            try:
                with transaction.atomic():
                    practice_publish(practice=practice, actor=request.user)
                done += 1
            except PublishBlocked as blocked:
                refused.append(f"{practice.name}: {', '.join(blocked.missing)}")
        if done:
            self.message_user(
                request,
                ngettext("%d practice published.", "%d practices published.", done) % done,
            )
        for line in refused:
            self.message_user(request, _("Not published — %s") % line, messages.WARNING)

    @admin.action(description=_("Unpublish selected practices"))
    def unpublish(self, request, queryset):
        for practice in queryset:
            practice_unpublish(practice=practice, actor=request.user)
        self.message_user(request, _("Selected practices are hidden from the directory."))


@admin.register(SessionType)
class SessionTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "practice", "duration_minutes", "price", "currency", "is_active"]
    list_filter = ["is_active", "duration_minutes"]
    search_fields = ["name", "practice__name", "practice__slug"]
    list_select_related = ["practice"]
    autocomplete_fields = ["practice"]


@admin.register(WeeklyHours)
class WeeklyHoursAdmin(admin.ModelAdmin):
    list_display = ["practice", "weekday", "start_time", "end_time"]
    list_filter = ["weekday"]
    search_fields = ["practice__name", "practice__slug"]
    list_select_related = ["practice"]
    autocomplete_fields = ["practice"]


@admin.register(TimeOff)
class TimeOffAdmin(admin.ModelAdmin):
    list_display = ["practice", "first_day", "last_day", "note"]
    list_filter = ["first_day"]
    search_fields = ["practice__name", "practice__slug", "note"]
    list_select_related = ["practice"]
    autocomplete_fields = ["practice"]
    date_hierarchy = "first_day"


@admin.register(Specialty)
class SpecialtyAdmin(admin.ModelAdmin):
    list_display = ["name_de", "name_en", "slug", "position", "practice_count"]
    list_editable = ["position"]
    search_fields = ["name_de", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_practices=Count("practices"))

    @admin.display(description=_("practices"), ordering="_practices")
    def practice_count(self, obj):
        return obj._practices

    def save_model(self, request, obj, form, change):
        specialty_save(specialty=obj, actor=request.user)


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "position"]
    list_editable = ["position"]
    search_fields = ["code"]


@admin.register(PracticeSlugRedirect)
class PracticeSlugRedirectAdmin(admin.ModelAdmin):
    list_display = ["slug", "practice", "created_at"]
    search_fields = ["slug", "practice__name", "practice__slug"]
    list_select_related = ["practice"]
    list_filter = ["created_at"]
    autocomplete_fields = ["practice"]
