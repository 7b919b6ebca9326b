"""The retention schedule: how long each kind of data lives, in one table. The admin and the
privacy policy show it; a daily task enforces it and reports what it deleted (RetentionRun).

Rules name models by label and filter them with plain lookups, so this table reaches other apps
the way the rest of privacy does: by declaration, without importing their code.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from privacy.durations import duration_text
from privacy.models import DataExport, RestrictedRecord, RetentionRun
from privacy.registry import declaration_for
from privacy.services.export import data_exports_expire

DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Rule:
    key: str
    what: Promise
    basis: Promise
    model: str = ""  # label; rows older than `age` by `date_field` (and matching `where`) go
    date_field: str = ""
    age: datetime.timedelta | None = None
    where: dict = field(default_factory=dict)
    exclude: dict = field(default_factory=dict)
    # Instead of a plain delete (files to remove, columns to clear): now -> count.
    enforce: Callable[[datetime.datetime], int] | None = None
    # How long, in words; unless said otherwise, the `age` the rule enforces ("90 days").
    period: Promise | str = ""

    def __post_init__(self) -> None:
        if not self.period and self.age is not None:
            object.__setattr__(self, "period", duration_text(int(self.age.total_seconds())))

    def run(self, now: datetime.datetime) -> int:
        if self.enforce is not None:
            return self.enforce(now)
        if not self.model or self.age is None:
            return 0  # kept as long as the account exists; erasure removes it
        model = apps.get_model(self.model)
        cutoff: datetime.datetime | datetime.date = now - self.age
        if not isinstance(model._meta.get_field(self.date_field), models.DateTimeField):
            cutoff = (now - self.age).date()
        rows = model._default_manager.filter(
            Q(**{f"{self.date_field}__lt": cutoff}), **self.where
        ).exclude(Q(**self.exclude) if self.exclude else Q(pk__in=[]))
        deleted, _per_model = rows.delete()
        return deleted


def _expire_exports(now: datetime.datetime) -> int:
    expired = data_exports_expire(now=now)
    old = DataExport.objects.filter(created_at__lt=now - 90 * DAY).exclude(
        state=DataExport.State.PENDING
    )
    return expired + old.delete()[0]


def _sessions(now: datetime.datetime) -> int:
    from allauth.usersessions.models import UserSession
    from django.contrib.sessions.models import Session

    gone = Session.objects.filter(expire_date__lt=now).delete()[0]
    live = Session.objects.values("session_key")
    # The device list keeps only sessions that still exist (the IP and browser of old ones go).
    return gone + UserSession.objects.exclude(session_key__in=live).delete()[0]


def _restricted_records(now: datetime.datetime) -> int:
    """After the legal period the kept columns are cleared and the mark released."""

    count = 0
    due = RestrictedRecord.objects.filter(released_at__isnull=True, keep_until__lt=now.date())
    for record in due.select_for_update(skip_locked=True):
        model = apps.get_model(record.model_label)
        rows = model._default_manager.filter(pk=record.object_id)
        declaration = declaration_for(record.model_label)
        if declaration and any(hold.ends_by_deletion for hold in declaration.holds):
            if rows.exists():
                continue  # its app deletes it (the same day): the mark goes after the row
        else:
            rows.update(**dict.fromkeys(record.fields, ""))
        record.released_at = now
        record.save(update_fields=["released_at"])
        count += 1
    return count


SCHEDULE: list[Rule] = [
    Rule(
        "holds",
        _("Booking holds that were never paid (expired or abandoned)"),
        _("Art. 6 (1) b GDPR: only needed while the booking is being made"),
        model="bookings.Booking",
        date_field="created_at",
        age=30 * DAY,
        # Only holds nothing else points at (a purchase or a message keeps the row).
        where={
            "state__in": ["expired", "abandoned"],
            "purchase__isnull": True,
            "notifications__isnull": True,
        },
    ),
    Rule(
        "webhooks",
        _("PayPal webhook payloads (stored without payer and payee)"),
        _("Art. 6 (1) f GDPR: checking payments against PayPal's reports"),
        model="payments.WebhookEvent",
        date_field="received_at",
        age=90 * DAY,
    ),
    Rule(
        "deliveries",
        _("Delivery log of e-mails and SMS (not the messages in your inbox)"),
        _("Art. 6 (1) f GDPR: answering questions about a message"),
        model="notifications.Notification",
        date_field="queued_at",
        age=180 * DAY,
        where={"status__in": ["sent", "skipped", "failed"]},
        exclude={"channel": "inbox"},
    ),
    Rule(
        "inbox",
        _("Messages in your inbox"),
        _("Art. 6 (1) b GDPR"),
        period=_("As long as your account exists"),
    ),
    Rule(
        "attendance",
        _("Join and leave times of video sessions"),
        _("Art. 6 (1) b and f GDPR: questions about a session (attendance, refunds)"),
        model="video.ParticipantEvent",
        date_field="occurred_at",
        age=365 * DAY,
    ),
    Rule(
        "exports",
        _("Data exports (the ZIP file; the record of the request)"),
        _("Art. 15 and 20 GDPR"),
        enforce=_expire_exports,
        period=_("7 days (file); 90 days (record)"),
    ),
    Rule(
        "sessions",
        _("Login sessions and the list of signed-in devices (IP shortened, browser)"),
        _("Art. 6 (1) b and f GDPR: keeping you signed in, showing your devices"),
        enforce=_sessions,
        period=_("2 weeks after the last visit, or until you sign out"),
    ),
    Rule(
        "support",
        _("Support requests"),
        _("Art. 6 (1) b and f GDPR: answering the request and follow-up questions"),
        model="privacy.SupportRequest",
        date_field="created_at",
        age=365 * DAY,
    ),
    Rule(
        "consents",
        _("Consent records of erased accounts and of visitors (pseudonymous)"),
        _("Art. 7 (1) GDPR proof of consent; § 195 BGB limitation period"),
        model="privacy.ConsentRecord",
        date_field="created_at",
        age=3 * 365 * DAY,
        where={"subject__isnull": True},
    ),
    Rule(
        "requests",
        _("Register of data-subject requests"),
        _("Art. 5 (2) GDPR accountability; § 195 BGB limitation period"),
        model="privacy.DataRequest",
        date_field="answered_on",
        age=3 * 365 * DAY,
        period=_("3 years after the answer"),
    ),
    Rule(
        "accounting",
        _("Receipts and accounting records (restricted after an account is erased)"),
        _("§ 147 AO, § 14b UStG; Art. 17 (3) b and Art. 18 GDPR"),
        enforce=_restricted_records,
        period=_("8 years from the end of the calendar year"),
    ),
]


def retention_enforce(*, now: datetime.datetime | None = None) -> RetentionRun:
    """Run every rule, each in its own transaction (one failing rule stops no other), and store
    the report: rule key -> rows deleted (or cleared). A failed rule reports -1."""
    import logging

    now = now or timezone.now()
    report: dict[str, int] = {}
    for rule in SCHEDULE:
        try:
            with transaction.atomic():
                report[rule.key] = rule.run(now)
        except Exception:
            logging.getLogger(__name__).exception("retention rule %s failed", rule.key)
            report[rule.key] = -1
    return RetentionRun.objects.create(report=report)
