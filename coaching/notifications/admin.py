from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from coaching.notifications.models import Notification, Preferences
from coaching.notifications.queueing import notification_resend
from coaching.notifications.registry import kind_choices
from sofadoc.admin_site import ReadOnlyAdmin
from sofadoc.http import AuthenticatedHttpRequest


class KindFilter(admin.SimpleListFilter):
    """The registered kinds (the field has no choices: apps register kinds without a
    migration)."""

    title = _("kind")
    parameter_name = "kind"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin[Notification]
    ) -> list[tuple[str, str]]:
        return kind_choices()

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[Notification]
    ) -> QuerySet[Notification]:
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    """The delivery log: read-only; staff resend through the service."""

    list_display = [
        "queued_at",
        "recipient",
        "address",
        "kind_display",
        "channel",
        "status",
        "sent_at",
        "attempts",
        "reason",
        "booking",
    ]
    list_filter = ["status", "channel", KindFilter, "queued_at"]
    search_fields = ["recipient__email", "address", "booking__reference", "provider_id"]
    list_select_related = ["recipient", "booking"]
    date_hierarchy = "queued_at"
    # The text of inbox messages is the person's own, and what a sender handed over for a mail
    # (links, news text) is not for staff either: the log shows what, not the content.
    exclude = ["body", "payload"]
    actions = ["resend"]

    @admin.display(description=_("kind"), ordering="kind")
    def kind_display(self, obj: Notification) -> str:
        return obj.kind_label

    @admin.action(description=_("Send again"), permissions=["view"])
    def resend(self, request: AuthenticatedHttpRequest, queryset: QuerySet[Notification]) -> None:
        # A mail whose address was forgotten once sent (an erased account's) cannot go again.
        rows = [
            row
            for row in queryset.select_related("recipient", "booking")
            if row.recipient_id or row.address
        ]
        for row in rows:
            notification_resend(notification=row, actor=request.user)
        self.message_user(
            request,
            ngettext("%(n)d message queued again.", "%(n)d messages queued again.", len(rows))
            % {"n": len(rows)},
            messages.SUCCESS,
        )


@admin.register(Preferences)
class PreferencesAdmin(ReadOnlyAdmin):
    """The person's own choices and consents: staff read them, only the person changes them."""

    list_display = [
        "user",
        "reminder_timing",
        "sms_reminders",
        "sms_booking_messages",
        "sms_opted_out_at",
        "news_confirmed_at",
        "open_tracking",
    ]
    list_filter = ["reminder_timing", "sms_reminders", "sms_booking_messages", "open_tracking"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
    exclude = ["sms_code_hash"]
