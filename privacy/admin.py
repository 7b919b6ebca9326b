from django.contrib import admin

from privacy.models import ConsentRecord, LegalDocument


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
class ConsentRecordAdmin(admin.ModelAdmin):
    list_display = ["created_at", "purpose", "granted", "source", "subject", "document"]
    list_filter = ["purpose", "granted", "source"]
    search_fields = ["pseudonym", "subject__email"]
    date_hierarchy = "created_at"
    list_select_related = ["subject", "document"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
