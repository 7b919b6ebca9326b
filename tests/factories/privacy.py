"""Legal documents and consent records."""

import datetime

import factory

from privacy.models import ConsentRecord, LegalDocument
from tests.factories.people import UserFactory


class LegalDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LegalDocument

    kind = LegalDocument.Kind.TERMS
    language = "de"
    version = factory.Sequence(lambda n: n + 3)  # 1 and 2 are published (migrations)
    title = factory.LazyAttribute(lambda o: f"{o.kind} v{o.version}")
    body = "§ 1 Neu\n\nNeuer Text."
    published_at = factory.LazyFunction(lambda: datetime.datetime(2026, 6, 1, tzinfo=datetime.UTC))


class ConsentRecordFactory(factory.Factory):
    """One decision logged by `consent_record` (pseudonym and document version as it sets
    them): granted news by e-mail from the settings page unless told otherwise."""

    class Meta:
        model = ConsentRecord

    user = factory.SubFactory(UserFactory, accepted_terms=False)
    purpose = ConsentRecord.Purpose.EMAIL_NEWS
    granted = True
    source = ConsentRecord.Source.SETTINGS

    @classmethod
    def _create(cls, model_class, *, user, purpose, granted, source):
        from privacy.services import consent_record

        [record] = consent_record(user=user, decisions={purpose: granted}, source=source)
        return record
