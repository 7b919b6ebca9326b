from django.db import transaction

from privacy.models import ConsentRecord, LegalDocument
from privacy.pseudonyms import attempt_pseudonym, user_pseudonym
from privacy.selectors import legal_document_current

Purpose = ConsentRecord.Purpose
SIGNUP_PURPOSES = (Purpose.AGE_18, Purpose.TERMS, Purpose.PRIVACY)
_DOCUMENT_FOR = {
    Purpose.TERMS: LegalDocument.Kind.TERMS,
    Purpose.PRIVACY: LegalDocument.Kind.PRIVACY,
    Purpose.COOKIES_STATISTICS: LegalDocument.Kind.COOKIES,
    Purpose.COOKIES_MARKETING: LegalDocument.Kind.COOKIES,
}


def consent_record(
    *,
    decisions: dict[str, bool],
    source: str,
    user=None,
    pseudonym: str = "",
    ip: str = "",
    documents: dict[str, LegalDocument] | None = None,
    actor=None,
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
        return ConsentRecord.objects.bulk_create(rows)


def cookie_choice_record(*, statistics: bool, marketing: bool, token: str, user=None, ip=""):
    """Log a cookie banner decision under a pseudonym of the browser's consent token."""
    from privacy.pseudonyms import keyed_hash

    return consent_record(
        decisions={Purpose.COOKIES_STATISTICS: statistics, Purpose.COOKIES_MARKETING: marketing},
        source=ConsentRecord.Source.COOKIE_BANNER,
        user=user,
        pseudonym=keyed_hash("cookie:" + token),
        ip=ip,
    )
