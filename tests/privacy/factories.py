import datetime

import factory

from privacy.models import LegalDocument


class LegalDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LegalDocument

    kind = LegalDocument.Kind.TERMS
    language = "de"
    version = factory.Sequence(lambda n: n + 3)  # 1 and 2 are published (migrations)
    title = factory.LazyAttribute(lambda o: f"{o.kind} v{o.version}")
    body = "§ 1 Neu\n\nNeuer Text."
    published_at = factory.LazyFunction(lambda: datetime.datetime(2026, 6, 1, tzinfo=datetime.UTC))
