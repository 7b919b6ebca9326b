"""Personal-data declarations for Django's and allauth's models and for privacy's own."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet

from privacy import processors_erasure  # noqa: F401 - registers the Zendesk eraser
from privacy.registry import Erase, PersonalData, not_personal, register

if TYPE_CHECKING:
    from django.contrib.admin.models import LogEntry
    from django.contrib.sessions.models import Session

    from privacy.models import DataExport, SupportRequest
    from sofadoc.accounts.models import User


def _sessions(user: User) -> QuerySet[Session]:
    from allauth.usersessions.models import UserSession
    from django.contrib.sessions.models import Session

    keys = UserSession.objects.filter(user=user).values("session_key")
    return Session.objects.filter(session_key__in=keys)


def _admin_log(user: User) -> QuerySet[LogEntry]:
    from django.contrib.admin.models import LogEntry

    user_type = ContentType.objects.get_for_model(get_user_model())
    return LogEntry.objects.filter(Q(user=user) | Q(content_type=user_type, object_id=str(user.pk)))


def _support(user: User) -> QuerySet[SupportRequest]:
    from privacy.models import SupportRequest

    return SupportRequest.objects.filter(Q(user=user) | Q(email__iexact=user.email))


def _delete_export_files(exports: Iterable[DataExport]) -> None:
    from privacy.services.export import data_export_delete_file

    for export in exports:
        data_export_delete_file(export=export)


not_personal(
    "auth.Permission",
    "auth.Group",
    "contenttypes.ContentType",
    "privacy.LegalDocument",
    "privacy.Processor",
    reason="reference data without people in it",
)
not_personal(
    "privacy.RetentionRun",
    reason="counts of deleted rows per retention rule",
)
not_personal(
    "privacy.RestrictedRecord",
    reason="names a kept record and its legal basis under a pseudonym; the record itself is "
    "declared by its app",
)

register(
    # Sessions first: they are found through the user-session index erased after them.
    PersonalData("sessions.Session", subject=_sessions, fields=["expire_date"], order=10),
    PersonalData(
        "usersessions.UserSession",
        subject="user",
        fields=["created_at", "last_seen_at", "ip", "user_agent"],
        order=20,
    ),
    PersonalData(
        "account.EmailConfirmation",
        subject="email_address__user",
        fields=["created", "sent"],
        order=30,
    ),
    PersonalData(
        "account.EmailAddress", subject="user", fields=["email", "verified", "primary"], order=40
    ),
    # The TOTP secret and recovery codes are credentials, not exported.
    PersonalData(
        "mfa.Authenticator", subject="user", fields=["type", "created_at", "last_used_at"]
    ),
    PersonalData(
        "admin.LogEntry",
        subject=_admin_log,
        fields=["action_time", "action_flag", "object_repr", "change_message"],
        erase=Erase.ANONYMISE,
        anonymise={"object_repr": "[erased]", "change_message": ""},
    ),
    # Consent proof stays, pseudonymous: the person and the truncated IP are detached.
    PersonalData(
        "privacy.ConsentRecord",
        subject="subject",
        fields=[
            "created_at",
            "purpose",
            "granted",
            "document__kind",
            "document__version",
            "source",
            "ip_truncated",
        ],
        erase=Erase.ANONYMISE,
        anonymise={"subject": None, "ip_truncated": ""},
    ),
    PersonalData(
        "privacy.DataExport",
        subject="user",
        fields=["created_at", "state", "ready_at", "expires_at"],
        before_erase=_delete_export_files,
    ),
    # The register keeps the request (accountability, Art. 5 (2) GDPR) under the pseudonym;
    # who asked and how to reach them go, and the answer loses their name.
    PersonalData(
        "privacy.DataRequest",
        subject="requester",
        fields=["kind", "channel", "received_on", "extended_until", "answered_on", "answer"],
        erase=Erase.KEEP,
        anonymise={"requester": None, "requester_name": "", "contact": ""},
        redact=["answer", "extension_reason"],
        order=990,
    ),
    # The proof that processors were asked to delete; the e-mail address or number they know the
    # person by is cleared as soon as they confirm (privacy/processors_erasure.py).
    PersonalData(
        "privacy.ProcessorErasure",
        subject="erasure__user",
        fields=["processor", "state", "attempts", "created_at", "completed_at"],
        erase=Erase.KEEP,
        order=998,
    ),
    PersonalData(
        "privacy.ErasureRequest",
        subject="user",
        fields=["requested_at", "state"],
        erase=Erase.ANONYMISE,
        anonymise={"user": None},
        # Last before the user row: until then the request still finds the person, so an
        # interrupted erasure resumes where it stopped.
        order=999,
    ),
    PersonalData(
        "privacy.SupportRequest",
        subject=_support,
        fields=["created_at", "name", "email", "subject", "message", "zendesk_ticket_id"],
    ),
)
