from django.contrib import admin
from django.db import models

from privacy.models import (
    ConsentRecord,
    DataExport,
    ErasureRequest,
    LegalDocument,
    Processor,
    SupportRequest,
)
from sofadoc.admin_site import ReadOnlyAdmin


@admin.register(LegalDocument)
class LegalDocumentAdmin(admin.ModelAdmin):
    list_display = ["kind", "language", "version", "title", "published_at"]
    list_filter = ["kind", "language"]
    search_fields = ["title", "body"]
    date_hierarchy = "published_at"

    def get_readonly_fields(self, request, obj=None):
        # Published versions are immutable; staff publish a new version instead.
        if obj is not None:
            return [f.name for f in self.model._meta.fields]
        return ["created_at"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ConsentRecord)
class ConsentRecordAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "purpose", "granted", "source", "subject", "document"]
    list_filter = ["purpose", "granted", "source"]
    search_fields = ["pseudonym", "subject__email"]
    date_hierarchy = "created_at"
    list_select_related = ["subject", "document"]


@admin.register(DataExport)
class DataExportAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user", "state", "size", "ready_at", "expires_at"]
    list_filter = ["state", "language"]
    search_fields = ["user__email"]
    date_hierarchy = "created_at"
    list_select_related = ["user"]


@admin.register(ErasureRequest)
class ErasureRequestAdmin(ReadOnlyAdmin):
    list_display = ["requested_at", "pseudonym", "state", "was_coach", "completed_at"]
    list_filter = ["state", "was_coach"]
    search_fields = ["pseudonym"]
    date_hierarchy = "requested_at"


@admin.register(SupportRequest)
class SupportRequestAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "subject", "email", "delivered_by", "zendesk_ticket_id"]
    list_filter = ["delivered_by"]
    search_fields = ["subject", "email", "name", "zendesk_ticket_id"]
    date_hierarchy = "created_at"


@admin.register(Processor)
class ProcessorAdmin(admin.ModelAdmin):
    list_display = ["name", "purpose", "region", "is_active", "position"]
    list_filter = ["is_active", "region"]
    search_fields = ["name", "purpose", "data"]
    list_editable = ["position", "is_active"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
