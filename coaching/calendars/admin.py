"""Staff see every connection with its last successful sync; secrets are never shown."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from coaching.calendars.models import (
    BookingEvent,
    BusyInterval,
    CalendarConnection,
    HourBlock,
    RemoteCalendar,
)

SECRETS = ("password", "access_token", "refresh_token")


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class RemoteCalendarInline(admin.TabularInline):
    model = RemoteCalendar
    extra = 0
    fields = ("name", "counts_as_busy", "all_day_blocks", "receives_bookings", "synced_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(CalendarConnection)
class CalendarConnectionAdmin(admin.ModelAdmin):
    list_display = [
        "account_name",
        "provider",
        "practice",
        "state",
        "last_success_at",
        "last_sync_at",
        "failing_since",
        "problem",
    ]
    list_filter = ["provider", "state"]
    search_fields = ["account_name", "practice__name", "practice__slug", "practice__owner__email"]
    list_select_related = ["practice"]
    ordering = ["last_success_at"]
    exclude = SECRETS
    readonly_fields = [
        "practice",
        "provider",
        "account_name",
        "server_url",
        "username",
        "state",
        "problem",
        "failing_since",
        "broken_at",
        "last_sync_at",
        "last_success_at",
        "retry_after",
        "created_at",
    ]
    inlines = [RemoteCalendarInline]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(BusyInterval)
class BusyIntervalAdmin(ReadOnly):
    list_display = ["practice", "calendar", "start", "end"]
    list_filter = [("start", admin.DateFieldListFilter)]
    search_fields = ["practice__name", "practice__slug"]
    list_select_related = ["practice", "calendar"]
    fields = ["practice", "calendar", "start", "end"]


@admin.register(HourBlock)
class HourBlockAdmin(admin.ModelAdmin):
    list_display = ["practice", "start", "end", "created_at"]
    list_filter = [("start", admin.DateFieldListFilter)]
    search_fields = ["practice__name", "practice__slug"]
    list_select_related = ["practice"]
    raw_id_fields = ["practice"]


@admin.register(BookingEvent)
class BookingEventAdmin(ReadOnly):
    list_display = ["uid", "calendar", "present", "state", "attempts", "next_attempt_at"]
    list_filter = ["state", "present"]
    search_fields = ["uid", "booking__reference"]
    list_select_related = ["calendar"]
    fields = [
        "booking",
        "calendar",
        "uid",
        "remote_id",
        "present",
        "sequence",
        "state",
        "attempts",
        "next_attempt_at",
        "last_error",
    ]

    @admin.display(description=_("booking"))
    def booking_reference(self, obj):
        return obj.booking.reference
