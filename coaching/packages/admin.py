from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from coaching.packages.models import (
    BookingSeries,
    ClientPackage,
    Coupon,
    CouponUse,
    CreditEntry,
    Package,
)
from sofadoc.admin_site import ReadOnlyAdmin


@admin.register(Package)
class PackageAdmin(admin.ModelAdmin):
    list_display = ["name", "practice", "session_type", "sessions", "price", "is_active"]
    list_filter = ["is_active", "expiry_rule"]
    search_fields = ["name", "practice__name"]
    list_select_related = ["practice", "session_type"]
    raw_id_fields = ["practice", "session_type"]


class CreditInline(admin.TabularInline):
    model = CreditEntry
    extra = 0
    can_delete = False
    fields = readonly_fields = ("created_at", "kind", "delta", "booking")

    def get_queryset(self, request: HttpRequest) -> QuerySet[CreditEntry]:
        # Each row shows its booking: read with the entries, not one by one.
        return super().get_queryset(request).select_related("booking")

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(ClientPackage)
class ClientPackageAdmin(ReadOnlyAdmin):
    """What clients bought: changed only through the services (paid, booked, expired)."""

    list_display = ["reference", "name", "practice", "client", "state", "expires_at"]
    list_filter = ["state", "expiry_rule"]
    search_fields = ["reference", "practice__name", "client__email"]
    list_select_related = ["practice", "client"]
    inlines = [CreditInline]


@admin.register(CreditEntry)
class CreditEntryAdmin(ReadOnlyAdmin):
    """The append-only credit ledger (the database refuses changes)."""

    list_display = ["created_at", "client_package", "kind", "delta", "booking"]
    list_filter = ["kind"]
    search_fields = ["client_package__reference", "booking__reference"]
    list_select_related = ["client_package", "booking"]


@admin.register(BookingSeries)
class BookingSeriesAdmin(ReadOnlyAdmin):
    list_display = ["reference", "practice", "client", "session_type", "count", "created_at"]
    list_filter = ["interval_weeks"]
    search_fields = ["reference", "practice__name", "client__email"]
    list_select_related = ["practice", "client", "session_type"]


class CouponUseInline(admin.TabularInline):
    model = CouponUse
    extra = 0
    can_delete = False
    fields = ("created_at", "purchase", "client", "amount", "currency", "hold_until")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[CouponUse]:
        # Each row shows its purchase and client, and is named by its coupon: read with the uses,
        # not one by one.
        return super().get_queryset(request).select_related("coupon", "purchase", "client")

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Coupon)
class CouponAdmin(admin.ModelAdmin):
    """Coaches' coupons; staff may deactivate one (its uses are records of money, kept)."""

    list_display = [
        "code",
        "practice",
        "kind",
        "value",
        "max_uses",
        "valid_from",
        "valid_until",
        "is_active",
    ]
    list_filter = ["is_active", "kind"]
    search_fields = ["code", "practice__name"]
    list_select_related = ["practice"]
    raw_id_fields = ["practice", "session_type", "package"]
    inlines = [CouponUseInline]


@admin.register(CouponUse)
class CouponUseAdmin(ReadOnlyAdmin):
    """Checkouts that used a coupon (counted while paid or held: packages/coupons.py)."""

    list_display = ["created_at", "coupon", "purchase", "client", "amount", "hold_until"]
    list_filter = ["coupon__kind"]
    search_fields = ["coupon__code", "purchase__reference", "client__email"]
    list_select_related = ["coupon", "purchase", "client"]
