from __future__ import annotations

import contextlib

from django.conf import settings
from django.core.cache import cache
from django.db.models import Exists, F, Max, Min, OuterRef, Q
from django.utils import timezone, translation

from privacy.models import (
    ConsentRecord,
    DataExport,
    DataRequest,
    LegalDocument,
    Processor,
    SupportRequest,
)
from sofadoc.accounts.models import User
from sofadoc.pagecache import cached_under_versions, version_changed

# Documents a signed-in person must have accepted in their current version.
ACCEPTANCE_KINDS = (LegalDocument.Kind.TERMS, LegalDocument.Kind.PRIVACY)


def legal_document_current(*, kind: str, language: str | None = None) -> LegalDocument | None:
    """The newest published version of `kind` in `language`, else in German."""

    language = (language or translation.get_language() or settings.LANGUAGE_CODE)[:2]
    published = LegalDocument.objects.filter(kind=kind, published_at__lte=timezone.now())
    latest = published.order_by("-version").values_list("version", flat=True).first()
    if latest is None:
        return None
    versions = {d.language: d for d in published.filter(version=latest)}
    return versions.get(language) or versions.get("de") or next(iter(versions.values()), None)


COOKIE_VERSION_CACHE_KEY = "privacy:cookie-policy-version"


def cookie_policy_version() -> int:
    """The current cookie policy version (cached: it is read on every page)."""

    try:
        version = cache.get(COOKIE_VERSION_CACHE_KEY)
    except Exception:  # a cache outage must not take pages down; the database answers
        version = None
    if version is None:
        version = (
            LegalDocument.objects.filter(
                kind=LegalDocument.Kind.COOKIES, published_at__lte=timezone.now()
            )
            .order_by("-version")
            .values_list("version", flat=True)
            .first()
            or 0
        )
        with contextlib.suppress(Exception):
            cache.set(COOKIE_VERSION_CACHE_KEY, version, 300)
    return version


def legal_document_versions(*, kind: str) -> list[LegalDocument]:
    return list(
        LegalDocument.objects.filter(kind=kind, published_at__lte=timezone.now()).order_by(
            "-version", "language"
        )
    )


def consent_is_pending(*, user: User) -> bool:
    """Whether a current terms or privacy version still waits for the user's acceptance.

    The gate asks this on every gated request (the booking page among them): two queries,
    where consent_pending_documents takes two per kind and loads the documents, which only the
    accept page shows. Same rule: accepted means a granted record for a version >= current.
    """

    current = dict(
        LegalDocument.objects.filter(kind__in=ACCEPTANCE_KINDS, published_at__lte=timezone.now())
        .order_by()
        .values_list("kind")
        .annotate(latest=Max("version"))
    )
    if not current:
        return False
    accepted = dict(
        ConsentRecord.objects.filter(
            subject=user, granted=True, purpose__in=list(current), document__kind=F("purpose")
        )
        .order_by()
        .values_list("purpose")
        .annotate(latest=Max("document__version"))
    )
    return any(accepted.get(kind, 0) < version for kind, version in current.items())


# The gate's answer per person, in Redis until the legal documents or the person's decisions
# change (both bump a version) or the next scheduled document is published, whichever is first.
CONSENT_PENDING_SECONDS = 600
LEGAL_VERSION_KEY = "privacy:legal:version"


def consent_version_key(user_id: int) -> str:
    return f"privacy:consent:{user_id}:version"


def consent_pending_key(user_id: int) -> str:
    return f"privacy:consent:{user_id}:pending"


def page_cache_keys(user_id: int) -> list[str]:
    """What every page reads from Redis for the consent gate and the cookie banner
    (prefetched for people signed in: sofadoc/prefetch.py)."""
    return [
        LEGAL_VERSION_KEY,
        consent_version_key(user_id),
        consent_pending_key(user_id),
        COOKIE_VERSION_CACHE_KEY,
    ]


def consent_is_pending_cached(*, user: User) -> bool:
    """consent_is_pending, from Redis while nothing it rests on has changed."""
    import time

    def compute() -> tuple[bool, float]:
        return consent_is_pending(user=user), _next_publication()

    pending, until = cached_under_versions(
        [LEGAL_VERSION_KEY, consent_version_key(user.pk)],
        consent_pending_key(user.pk),
        compute,
        timeout=CONSENT_PENDING_SECONDS,
    )
    if time.time() >= until:  # a new version went live since: ask again
        return consent_is_pending(user=user)
    return pending


def _next_publication() -> float:
    """When the next scheduled terms or privacy version is published (Unix time), or +inf."""

    upcoming = LegalDocument.objects.filter(
        kind__in=ACCEPTANCE_KINDS, published_at__gt=timezone.now()
    ).aggregate(first=Min("published_at"))["first"]
    return upcoming.timestamp() if upcoming else float("inf")


def consent_changed(*, user_id: int | None = None) -> None:
    """Retire the gate's cached answers: one person's (their decisions changed) or everyone's
    (a legal document changed)."""

    version_changed(consent_version_key(user_id) if user_id else LEGAL_VERSION_KEY)


def consent_pending_documents(*, user: User) -> list[LegalDocument]:
    """Current terms/privacy versions the user has not accepted yet."""
    pending = []
    for kind in ACCEPTANCE_KINDS:
        current = legal_document_current(kind=kind, language=getattr(user, "language", None))
        if current is None:
            continue
        accepted = ConsentRecord.objects.filter(
            subject=user,
            purpose=kind,
            granted=True,
            document__kind=kind,
            document__version__gte=current.version,
        ).exists()
        if not accepted:
            pending.append(current)
    return pending


def consents_in_force(*, user: User) -> list[ConsentRecord]:
    """The newest record per (pseudonym, purpose) of the person, where it is a grant: the
    consents that hold now. A later refusal or withdrawal under the same pseudonym ends one."""
    latest: dict[tuple[str, str], ConsentRecord] = {}
    # A person has a handful of rows; reduced here so SQLite (the demo) answers the same.
    records = ConsentRecord.objects.filter(subject=user).order_by("created_at", "pk")
    for record in records.select_related("document"):
        latest[(record.pseudonym, record.purpose)] = record
    return [record for record in latest.values() if record.granted]


def consent_records_for(*, user: User) -> list[ConsentRecord]:
    """The person's records, newest first, each marked: `withdrawal` (a "no" that ended a grant
    under the same pseudonym) and `in_force` (a grant nothing has ended)."""
    records = list(ConsentRecord.objects.filter(subject=user).select_related("document"))
    latest: dict[tuple[str, str], ConsentRecord] = {}
    for record in reversed(records):  # oldest first
        before = latest.get((record.pseudonym, record.purpose))
        record.withdrawal = not record.granted and before is not None and before.granted
        record.in_force = False
        latest[(record.pseudonym, record.purpose)] = record
    for record in latest.values():
        record.in_force = record.granted
    return records


def consent_superseded() -> Exists:
    """Exists() of a later record for the same pseudonym and purpose (annotate in querysets)."""

    return Exists(
        ConsentRecord.objects.filter(
            pseudonym=OuterRef("pseudonym"), purpose=OuterRef("purpose")
        ).filter(
            Q(created_at__gt=OuterRef("created_at"))
            | Q(created_at=OuterRef("created_at"), pk__gt=OuterRef("pk"))
        )
    )


def data_export_ready(pk: int) -> DataExport | None:
    """A ready export with its owner, or None (expired, deleted, not built)."""
    return (
        DataExport.objects.filter(pk=pk, state=DataExport.State.READY)
        .select_related("user")
        .first()
    )


def data_exports_for(*, user: User) -> list[DataExport]:
    return list(DataExport.objects.filter(user=user)[:10])


def processors_active() -> list[Processor]:
    return list(Processor.objects.filter(is_active=True))


# --- What the mails to the mailboxes say (coaching/notifications/mail_kinds.py) ----------------
def support_request_for_mail(pk: int) -> SupportRequest | None:
    return SupportRequest.objects.filter(pk=pk).first()


def data_request_for_mail(pk: int) -> DataRequest | None:
    return DataRequest.objects.filter(pk=pk).first()
