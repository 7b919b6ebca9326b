"""The consent log (Art. 7 GDPR): each decision, granted or refused, with the document version
it refers to; withdrawal as refusal rows under the grant's pseudonym; cookie banner choices."""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

from django.db import transaction

from privacy.models import ConsentRecord, LegalDocument
from privacy.pseudonyms import attempt_pseudonym, keyed_hash, user_pseudonym
from privacy.selectors import consent_changed, consents_in_force, legal_document_current

if TYPE_CHECKING:
    from sofadoc.accounts.models import User

Purpose = ConsentRecord.Purpose
SIGNUP_PURPOSES = (Purpose.AGE_18, Purpose.TERMS, Purpose.PRIVACY)
_DOCUMENT_FOR: dict[str, str] = {
    Purpose.TERMS: LegalDocument.Kind.TERMS,
    Purpose.PRIVACY: LegalDocument.Kind.PRIVACY,
    Purpose.COOKIES_STATISTICS: LegalDocument.Kind.COOKIES,
    Purpose.COOKIES_MARKETING: LegalDocument.Kind.COOKIES,
}


def consent_record(
    *,
    decisions: dict[str, bool],
    source: str,
    user: User | None = None,
    pseudonym: str = "",
    ip: str = "",
    documents: dict[str, LegalDocument] | None = None,
) -> list[ConsentRecord]:
    """Log each decision (granted or refused) with the document version it refers to.

    Without a user the rows carry only `pseudonym` (a fresh one per attempt if none is given),
    so a refused signup is provable without storing who tried.
    """
    documents = documents or {}
    if user is not None and not pseudonym:
        pseudonym = user_pseudonym(user.pk)
    pseudonym = pseudonym or attempt_pseudonym()
    rows = []
    for purpose, granted in decisions.items():
        document = documents.get(purpose)
        if document is None and purpose in _DOCUMENT_FOR:
            document = legal_document_current(
                kind=_DOCUMENT_FOR[purpose], language=getattr(user, "language", None)
            )
        rows.append(
            ConsentRecord(
                subject=user,
                pseudonym=pseudonym,
                purpose=purpose,
                document=document,
                granted=bool(granted),
                source=source,
                ip_truncated=ip,
            )
        )
    with transaction.atomic():
        created = ConsentRecord.objects.bulk_create(rows)
        if user is not None:
            consent_changed(user_id=user.pk)  # bulk_create sends no signal
        return created


def consent_withdraw(
    *,
    user: User,
    source: str,
    purposes: Collection[str] | None = None,
    pseudonym: str = "",
    ip: str = "",
) -> list[ConsentRecord]:
    """End consents in force: a refusal row per consent, under the pseudonym and document version
    of the grant it ends (Art. 7 (3) GDPR). `purposes` limits it (default: all but the age
    confirmation, which is a statement of fact); `pseudonym` limits it to one browser's cookie
    choices. Returns the rows written (none when nothing was in force)."""

    rows = [
        ConsentRecord(
            subject=user,
            pseudonym=grant.pseudonym,
            purpose=grant.purpose,
            document=grant.document,
            granted=False,
            source=source,
            ip_truncated=ip,
        )
        for grant in consents_in_force(user=user)
        if grant.purpose != Purpose.AGE_18
        and (purposes is None or grant.purpose in purposes)
        and (not pseudonym or grant.pseudonym == pseudonym)
    ]
    with transaction.atomic():
        return ConsentRecord.objects.bulk_create(rows)


def cookie_choice_record(
    *, statistics: bool, marketing: bool, token: str, user: User | None = None, ip: str = ""
) -> list[ConsentRecord]:
    """Log a cookie banner decision under a pseudonym of the browser's consent token."""

    return consent_record(
        decisions={Purpose.COOKIES_STATISTICS: statistics, Purpose.COOKIES_MARKETING: marketing},
        source=ConsentRecord.Source.COOKIE_BANNER,
        user=user,
        pseudonym=keyed_hash("cookie:" + token),
        ip=ip,
    )
