"""Documents are money records: staff read them (and open the printable page or PDF) and never
edit them; the database would refuse it anyway."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from coaching.billing.models import Document, DocumentLine, NumberSeries
from sofadoc.admin_site import ReadOnlyAdmin


class DocumentLineInline(admin.TabularInline):
    model = DocumentLine
    extra = 0
    can_delete = False
    fields = ("position", "description", "service_date", "quantity", "net", "vat", "gross")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = (
        "number",
        "kind",
        "issued_at",
        "practice",
        "recipient_name",
        "gross_total",
        "currency",
        "tax_treatment",
        "restricted",
        "pdf_link",
    )
    list_filter = ("kind", "tax_treatment", "restricted", "issuer_key", "issued_at")
    search_fields = ("number", "practice__name", "issuer_name", "recipient_name", "memo")
    list_select_related = ("practice",)
    date_hierarchy = "issued_at"
    raw_id_fields = ("practice", "purchase", "ledger_entry", "refers_to", "recipient_user")
    inlines = [DocumentLineInline]

    @admin.display(description=_("PDF"))
    def pdf_link(self, obj: Document) -> str:
        return format_html(
            '<a href="{}">{}</a>', reverse("billing:document_pdf", args=[obj.pk]), _("PDF")
        )


@admin.register(NumberSeries)
class NumberSeriesAdmin(ReadOnlyAdmin):
    list_display = ("issuer_key", "year", "last_number")
    list_filter = ("year",)
    search_fields = ("issuer_key",)
