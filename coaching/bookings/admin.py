from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from coaching.bookings.models import Booking, BookingEvent, CalendarFeed, Role
from coaching.bookings.services import BookingError, booking_cancel, booking_refund
from sofadoc.admin_site import ReadOnlyAdmin


class BookingEventInline(admin.TabularInline):
    model = BookingEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "actor_role", "actor", "from_state", "to_state", "reason"]
    readonly_fields = fields  # type: ignore[assignment]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = ["reference", "start", "session_name", "practice", "client", "state", "price"]
    list_filter = ["state", "start", "practice"]
    search_fields = ["reference", "practice__name", "client__email", "client__display_name"]
    list_select_related = ["practice", "client"]
    date_hierarchy = "start"
    readonly_fields = [f.name for f in Booking._meta.fields]
    # The money (purchase, payments, refunds, ledger) is under Payments, linked by `purchase`.
    inlines = [BookingEventInline]
    actions = ["cancel_with_refund", "refund_in_full"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Cancel with a full refund"))
    def cancel_with_refund(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda b: booking_cancel(
                booking=b,
                actor=request.user,
                role=Role.STAFF,
                reason="cancelled by SofaDoc support",
            ),
        )

    @admin.action(description=_("Refund what is left, keep the booking"))
    def refund_in_full(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda b: booking_refund(
                booking=b, actor=request.user, reason="refund by SofaDoc support"
            ),
        )

    def _each(self, request, queryset, service):
        for booking in queryset:
            try:
                with transaction.atomic():
                    service(booking)
            except BookingError as error:
                self.message_user(
                    request, f"{booking.reference}: {error.message}", messages.WARNING
                )
            else:
                self.message_user(request, f"{booking.reference}: {_('done')}")


@admin.register(BookingEvent)
class BookingEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "booking", "actor_role", "from_state", "to_state", "reason"]
    list_filter = ["actor_role", "to_state", "created_at"]
    search_fields = ["booking__reference", "reason"]
    list_select_related = ["booking"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["practice", "created_at"]
    search_fields = ["practice__name"]
    exclude = ["token"]  # a secret; staff can delete the feed to revoke it
    list_select_related = ["practice"]
