"""Staff see that a questionnaire or agreement exists and who answered or accepted when, never the
answers themselves: they are special-category data for the coach and the client only (an
access request is answered with the person's data export, which includes them)."""

from django.contrib import admin

from coaching.intake.models import (
    AgreementAcceptance,
    AgreementVersion,
    IntakeAnswer,
    IntakeFormVersion,
    IntakeQuestion,
    IntakeResponse,
)
from sofadoc.admin_site import ReadOnlyAdmin


class IntakeQuestionInline(admin.TabularInline):
    model = IntakeQuestion
    extra = 0
    can_delete = False
    fields = ["position", "kind", "label", "required"]
    readonly_fields = ("position", "kind", "label", "required")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(IntakeFormVersion)
class IntakeFormVersionAdmin(ReadOnlyAdmin):
    list_display = ["practice", "number", "active", "created_at"]
    list_filter = ["active", "created_at"]
    search_fields = ["practice__name", "practice__slug"]
    list_select_related = ["practice"]
    inlines = [IntakeQuestionInline]


@admin.register(IntakeQuestion)
class IntakeQuestionAdmin(ReadOnlyAdmin):
    list_display = ["label", "version", "position", "kind", "required"]
    list_filter = ["kind", "required"]
    search_fields = ["label", "version__practice__name"]
    list_select_related = ["version", "version__practice"]


@admin.register(IntakeResponse)
class IntakeResponseAdmin(ReadOnlyAdmin):
    list_display = ["practice", "client", "version", "requested_at", "submitted_at"]
    list_filter = ["submitted_at", "requested_at"]
    search_fields = ["practice__name", "client__email"]
    list_select_related = ["practice", "client", "version"]
    fields = ["practice", "client", "version", "requested_at", "submitted_at"]


@admin.register(IntakeAnswer)
class IntakeAnswerAdmin(ReadOnlyAdmin):
    # No `value` anywhere: not in the list, not on the detail page.
    list_display = ["response", "question"]
    list_filter = ["question__kind"]
    search_fields = ["response__practice__name", "response__client__email"]
    list_select_related = ["response", "response__practice", "question"]
    fields = ["response", "question"]


@admin.register(AgreementVersion)
class AgreementVersionAdmin(ReadOnlyAdmin):
    list_display = ["practice", "number", "active", "has_pdf", "created_at"]
    list_filter = ["active", "created_at"]
    search_fields = ["practice__name", "practice__slug", "pdf_sha256"]
    list_select_related = ["practice"]
    exclude = ["pdf"]  # the file goes out only through the view that checks who asks

    @admin.display(boolean=True, description="PDF")
    def has_pdf(self, obj) -> bool:
        return bool(obj.pdf)


@admin.register(AgreementAcceptance)
class AgreementAcceptanceAdmin(ReadOnlyAdmin):
    list_display = ["version", "client", "accepted_at", "revoked_at"]
    list_filter = ["accepted_at", "revoked_at"]
    search_fields = ["version__practice__name", "client__email"]
    list_select_related = ["version", "version__practice", "client"]
