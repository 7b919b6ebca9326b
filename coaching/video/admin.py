from django.contrib import admin

from coaching.video.models import ParticipantEvent, RoomSeat, RoomSettings, VideoRoom
from sofadoc.admin_site import ReadOnlyAdmin


class ParticipantEventInline(admin.TabularInline):
    model = ParticipantEvent
    extra = 0
    can_delete = False
    fields = ["occurred_at", "kind", "role", "duration_seconds", "sequence"]
    readonly_fields = fields  # type: ignore[assignment]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(VideoRoom)
class VideoRoomAdmin(ReadOnlyAdmin):
    list_display = [
        "unique_name",
        "booking",
        "room_sid",
        "created_at",
        "client_admitted_at",
        "admitted_automatically",
        "completed_at",
    ]
    list_filter = ["created_at", "completed_at", "admitted_automatically"]
    search_fields = ["unique_name", "room_sid", "booking__reference"]
    list_select_related = ["booking"]
    inlines = [ParticipantEventInline]


@admin.register(ParticipantEvent)
class ParticipantEventAdmin(ReadOnlyAdmin):
    list_display = ["occurred_at", "room", "kind", "role", "duration_seconds"]
    list_filter = ["kind", "role", "occurred_at"]
    search_fields = ["room__unique_name", "room__booking__reference", "participant_sid"]
    list_select_related = ["room"]


@admin.register(RoomSeat)
class RoomSeatAdmin(ReadOnlyAdmin):
    list_display = ["room", "role", "seen_at", "left_at"]
    list_filter = ["role", "seen_at"]
    search_fields = ["room__unique_name", "room__booking__reference"]
    list_select_related = ["room"]


@admin.register(RoomSettings)
class RoomSettingsAdmin(admin.ModelAdmin):
    list_display = ["practice", "auto_admit", "no_show_refund_percent", "updated_at"]
    list_filter = ["auto_admit", "no_show_refund_percent"]
    search_fields = ["practice__name", "practice__slug"]
    list_select_related = ["practice"]
    raw_id_fields = ["practice"]
