"""Staff see that relationships, messages, tasks and files exist (for support and the delivery
log), never what was written: no text, title, answer, file name or file, and never the coach's
notes (only that a note exists, its date and size of nothing)."""

from django.contrib import admin

from coaching.clients.models import (
    CoachSettings,
    Message,
    PrivateNote,
    Relationship,
    SharedFile,
    Task,
)
from sofadoc.admin_site import ReadOnlyAdmin


@admin.register(Relationship)
class RelationshipAdmin(ReadOnlyAdmin):
    list_display = [
        "pk",
        "practice",
        "client",
        "created_at",
        "last_message_at",
        "ended_at",
        "purge_after",
    ]
    list_filter = ["ended_at", "ended_by", "created_at"]
    search_fields = ["practice__name", "practice__slug", "client__email"]
    list_select_related = ["practice", "client"]


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ["pk", "relationship", "sender_side", "recipient", "created_at", "read_at"]
    list_filter = ["sender_side", "created_at", "read_at"]
    search_fields = ["relationship__practice__slug", "recipient__email"]
    list_select_related = ["relationship", "recipient"]
    fields = readonly_fields = ("relationship", "sender_side", "recipient", "created_at", "read_at")


@admin.register(PrivateNote)
class PrivateNoteAdmin(ReadOnlyAdmin):
    list_display = ["pk", "relationship", "booking", "created_at", "updated_at"]
    list_filter = ["created_at"]
    search_fields = ["relationship__practice__slug"]
    list_select_related = ["relationship", "booking"]
    fields = readonly_fields = ("relationship", "booking", "created_at", "updated_at")


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin):
    list_display = ["pk", "relationship", "state", "due_date", "created_at", "done_at"]
    list_filter = ["state", "due_date", "created_at"]
    search_fields = ["relationship__practice__slug", "relationship__client__email"]
    list_select_related = ["relationship"]
    fields = readonly_fields = ("relationship", "state", "due_date", "created_at", "done_at")


@admin.register(SharedFile)
class SharedFileAdmin(ReadOnlyAdmin):
    list_display = ["pk", "relationship", "uploaded_by", "content_type", "size", "created_at"]
    list_filter = ["uploaded_by", "content_type", "created_at"]
    search_fields = ["relationship__practice__slug", "relationship__client__email"]
    list_select_related = ["relationship"]
    fields = readonly_fields = ("relationship", "uploaded_by", "content_type", "size", "created_at")


@admin.register(CoachSettings)
class CoachSettingsAdmin(ReadOnlyAdmin):
    list_display = ["practice", "keep_days_after_end"]
    search_fields = ["practice__name", "practice__slug"]
    list_select_related = ["practice"]
    fields = readonly_fields = ("practice", "keep_days_after_end")
