from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any, cast

from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from privacy.data_requests import data_requests_overdue
from privacy.models import (
    ConsentRecord,
    DataExport,
    DataRequest,
    ErasureRequest,
    LegalDocument,
    Processor,
    ProcessorErasure,
    RestrictedRecord,
    RetentionRun,
    SupportRequest,
)
from privacy.processors_erasure import processor_erasure_run
from privacy.pseudonyms import user_pseudonym
from privacy.retention import SCHEDULE
from privacy.selectors import consent_superseded
from sofadoc.accounts.models import User
from sofadoc.admin_site import ReadOnlyAdmin

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@admin.register(LegalDocument)
class LegalDocumentAdmin(admin.ModelAdmin):
    list_display = ["kind", "language", "version", "title", "published_at"]
    list_filter = ["kind", "language"]
    search_fields = ["title", "body"]
    date_hierarchy = "published_at"

    def get_readonly_fields(
        self, request: HttpRequest, obj: LegalDocument | None = None
    ) -> list[str]:
        # Published versions are immutable; staff publish a new version instead.
        if obj is not None:
            return [f.name for f in self.model._meta.fields]
        return ["created_at"]

    def has_delete_permission(self, request: HttpRequest, obj: LegalDocument | None = None) -> bool:
        return False


class InForceFilter(admin.SimpleListFilter):
    title = _("in force")
    parameter_name = "in_force"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]
    ) -> list[tuple[str, StrOrPromise]]:
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[ConsentRecord]
    ) -> QuerySet[ConsentRecord]:
        in_force = models.Q(granted=True, superseded=False)
        if self.value() == "yes":
            return queryset.filter(in_force)
        if self.value() == "no":
            return queryset.exclude(in_force)
        return queryset


@admin.register(ConsentRecord)
class ConsentRecordAdmin(ReadOnlyAdmin):
    """Every decision; "in force" is a grant no later record (same pseudonym and purpose) ended."""

    list_display = [
        "created_at",
        "purpose",
        "granted",
        "in_force",
        "source",
        "subject",
        "document",
    ]
    list_filter = [InForceFilter, "purpose", "granted", "source"]
    search_fields = ["pseudonym", "subject__email"]
    date_hierarchy = "created_at"
    list_select_related = ["subject", "document"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ConsentRecord]:
        return super().get_queryset(request).annotate(superseded=consent_superseded())

    @admin.display(description=_("in force"), boolean=True)
    def in_force(self, obj: ConsentRecord) -> bool:
        return obj.granted and not obj.superseded


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


@admin.register(RestrictedRecord)
class RestrictedRecordAdmin(ReadOnlyAdmin):
    """Rows kept after an erasure because the law requires it (Art. 18 GDPR): staff see which
    columns, why and until when; nothing else may be done with them."""

    list_display = [
        "model_label",
        "object_id",
        "basis",
        "keep_until",
        "restricted_at",
        "released_at",
    ]
    list_filter = ["model_label", "basis", ("released_at", admin.EmptyFieldListFilter)]
    search_fields = ["object_id", "pseudonym"]
    date_hierarchy = "keep_until"


@admin.register(ProcessorErasure)
class ProcessorErasureAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "processor",
        "state",
        "attempts",
        "next_attempt_at",
        "last_error",
        "completed_at",
    ]
    list_filter = ["processor", "state"]
    search_fields = ["erasure__pseudonym", "last_error"]
    date_hierarchy = "created_at"
    readonly_fields = ["calls_list"]
    actions = ["retry_now"]

    @admin.display(description=_("calls"))
    def calls_list(self, obj: ProcessorErasure) -> SafeString:
        return format_html_join("", "<div>{}</div>", ((c,) for c in obj.calls))

    @admin.action(description=_("Try again now"))
    def retry_now(self, request: HttpRequest, queryset: QuerySet[ProcessorErasure]) -> None:
        pending = queryset.filter(state=ProcessorErasure.State.PENDING)
        pending.update(next_attempt_at=timezone.now())
        done = sum(processor_erasure_run(job_pk=pk) for pk in pending.values_list("pk", flat=True))
        messages.info(
            request,
            ngettext("%(count)d deletion confirmed.", "%(count)d deletions confirmed.", done)
            % {"count": done},
        )


class OverdueFilter(admin.SimpleListFilter):
    title = _("deadline")
    parameter_name = "deadline"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]
    ) -> list[tuple[str, StrOrPromise]]:
        return [("open", _("Open")), ("overdue", _("Overdue")), ("answered", _("Answered"))]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[DataRequest]
    ) -> QuerySet[DataRequest]:
        if self.value() == "open":
            return queryset.filter(answered_on__isnull=True)
        if self.value() == "answered":
            return queryset.filter(answered_on__isnull=False)
        if self.value() == "overdue":
            return queryset.filter(pk__in=[r.pk for r in data_requests_overdue()])
        return queryset


@admin.register(DataRequest)
class DataRequestAdmin(admin.ModelAdmin):
    """The request register: staff enter requests that came by e-mail or letter; the site enters
    its self-service exports and erasures. A request entered twice is refused by the form."""

    list_display = [
        "received_on",
        "kind",
        "channel",
        "requester_name",
        "deadline_shown",
        "overdue",
        "answered_on",
    ]
    list_filter = [OverdueFilter, "kind", "channel"]
    search_fields = ["requester_name", "contact", "requester__email", "pseudonym"]
    date_hierarchy = "received_on"
    autocomplete_fields = ["requester"]
    readonly_fields = ["deadline_shown", "pseudonym", "created_by", "created_at"]
    fieldsets = [
        (None, {"fields": ["kind", "channel", "received_on", "deadline_shown"]}),
        (_("Who asked"), {"fields": ["requester", "requester_name", "contact", "pseudonym"]}),
        (_("Extension"), {"fields": ["extended_until", "extension_reason"]}),
        (_("Answer"), {"fields": ["answer", "answered_on"]}),
        (None, {"fields": ["created_by", "created_at"]}),
    ]

    @admin.display(description=_("deadline"))
    def deadline_shown(self, obj: DataRequest | None) -> datetime.date | str:
        return obj.deadline if obj and obj.received_on else "–"

    @admin.display(description=_("overdue"), boolean=True)
    def overdue(self, obj: DataRequest) -> bool:
        return obj.is_overdue()

    def save_model(self, request: HttpRequest, obj: DataRequest, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = cast(User, request.user)  # the admin lets in signed-in staff only
            if obj.requester_id and not obj.pseudonym:
                obj.pseudonym = user_pseudonym(obj.requester_id)
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request: HttpRequest, obj: DataRequest | None = None) -> bool:
        return False  # the register is the proof; the retention schedule clears old entries


@admin.register(RetentionRun)
class RetentionRunAdmin(ReadOnlyAdmin):
    """Each daily run of the retention schedule and what it deleted; the schedule itself is
    shown above the list."""

    list_display = ["ran_at", "total", "report"]
    date_hierarchy = "ran_at"
    change_list_template = "admin/privacy/retentionrun/change_list.html"

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse | TemplateResponse:
        return super().changelist_view(request, {**(extra_context or {}), "schedule": SCHEDULE})
