"""Retention (coaching/billing/services/retention.py): documents past their period are deleted,
corrections first."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import transaction

from coaching.billing.models import Document, DocumentLine
from coaching.billing.services import documents_purge_expired
from coaching.billing.services.documents import LineDraft, document_write
from tests.billing.factories import receipt_issued


@pytest.mark.django_db
def test_documents_past_their_retention_period_are_deleted_corrections_first(coach_practice):
    old = datetime(2015, 3, 1, 12, tzinfo=UTC)  # kept until 31.12.2023

    def write(**fields):
        return document_write(
            issuer_key="practice:old",
            issuer_name="x",
            issuer_address="x",
            tax_treatment="small_business",
            vat_rate=Decimal("0.00"),
            practice=coach_practice,
            issued_at=old,
            lines=[LineDraft(description="Sitzung", gross=Decimal("50.00"))],
            **fields,
        )

    with transaction.atomic():
        original = write(kind="receipt", source_key="old:1")
        write(kind="cancellation", source_key="old:2", refers_to=original)
    assert original.retain_until.isoformat() == "2023-12-31"
    young = receipt_issued(coach_practice, None)

    assert documents_purge_expired() == 2

    assert list(Document.objects.values_list("pk", flat=True)) == [young.pk]
    assert not DocumentLine.objects.filter(document_id=original.pk).exists()
