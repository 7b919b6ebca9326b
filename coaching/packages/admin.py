from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from coaching.packages.models import BookingSeries, ClientPackage, CreditEntry, Package
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
