"""Money records are read-only here: staff read them and act through the services."""

from django.contrib import admin

from coaching.payments.models import (
    Dispute,
    FeeOverride,
    LedgerEntry,
    MerchantAccount,
    Payment,
    Purchase,
    PurchaseLine,
    ReconciliationDifference,
    Refund,
    WebhookEvent,
)
from sofadoc.admin_site import ReadOnlyAdmin


@admin.register(MerchantAccount)
class MerchantAccountAdmin(ReadOnlyAdmin):
    list_display = ("practice", "status", "merchant_id", "payments_receivable", "checked_at")
    list_filter = ("status", "payments_receivable", "provider")
    search_fields = ("practice__name", "merchant_id", "tracking_id")
    list_select_related = ("practice",)


class PurchaseLineInline(admin.TabularInline):
    model = PurchaseLine
    extra = 0
    can_delete = False
    fields = ("kind", "object_id", "description", "service_date", "quantity", "amount")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Purchase)
class PurchaseAdmin(ReadOnlyAdmin):
    list_display = ("reference", "practice", "total", "platform_fee", "currency", "created_at")
    list_filter = ("currency", "created_at")
    search_fields = ("reference", "practice__name", "lines__description")
    list_select_related = ("practice",)
    date_hierarchy = "created_at"
    inlines = [PurchaseLineInline]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ("occurred_at", "practice", "kind", "amount", "currency", "provider_reference")
    list_filter = ("kind", "provider", "currency")
    search_fields = ("provider_reference", "practice__name", "memo")
    list_select_related = ("practice",)
    date_hierarchy = "occurred_at"


@admin.register(Dispute)
class DisputeAdmin(ReadOnlyAdmin):
    list_display = ("dispute_id", "purchase", "status", "amount", "currency", "created_at")
    list_filter = ("status", "reason")
    search_fields = ("dispute_id", "capture_id")


@admin.register(ReconciliationDifference)
class ReconciliationDifferenceAdmin(ReadOnlyAdmin):
    list_display = ("day", "provider_reference", "description", "ledger_amount", "provider_amount")
    list_filter = ("day", "resolved_at")
    search_fields = ("provider_reference", "description")


class RefundInline(admin.TabularInline):
    model = Refund
    extra = 0
    can_delete = False
    fields = ("created_at", "refund_id", "amount", "platform_fee_returned", "status", "reason")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = (
        "order_id",
        "purchase",
        "provider",
        "status",
        "amount",
        "currency",
        "captured_at",
    )
    list_filter = ("status", "provider", "created_at")
    search_fields = ("order_id", "capture_id", "purchase__reference", "payee_merchant_id")
    list_select_related = ("purchase",)
    date_hierarchy = "created_at"
    inlines = [RefundInline]


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "payment",
        "amount",
        "platform_fee_returned",
        "currency",
        "status",
    )
    list_filter = ("status", "created_at")
    search_fields = ("refund_id", "payment__order_id", "payment__purchase__reference", "reason")
    list_select_related = ("payment",)


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdmin):
    list_display = (
        "received_at",
        "event_type",
        "event_id",
        "resource_id",
        "processed_at",
        "outcome",
    )
    list_filter = ("event_type", "received_at")
    search_fields = ("event_id", "resource_id", "outcome")


@admin.register(FeeOverride)
class FeeOverrideAdmin(admin.ModelAdmin):
    """Editable: staff set a practice's own fee; purchases made before keep theirs."""

    list_display = ("practice", "percent", "fixed", "note", "updated_at")
    list_filter = ("updated_at",)
    search_fields = ("practice__name", "note")
    list_select_related = ("practice",)
    autocomplete_fields = ("practice",)
