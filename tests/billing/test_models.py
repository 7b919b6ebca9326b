"""Issued documents never change, in the database itself (coaching/billing/models.py and its
guard migration): every update of a document or its lines is refused, and nothing is deleted
inside the retention period."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction

from coaching.billing.models import Document, DocumentLine
from coaching.billing.tasks import purge_expired_documents
from tests.billing.factories import receipt_issued


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    [
        {"gross_total": Decimal("1.00"), "net_total": Decimal("1.00")},
        {"number": "2026-9999"},
        {"issuer_name": "Someone else"},
        {"recipient_name": "A new name"},
        {"issued_at": datetime(2020, 1, 1, tzinfo=UTC)},
    ],
)
def test_an_issued_document_refuses_every_change(coach_practice, buyer, change):
    receipt = receipt_issued(coach_practice, buyer)
    with pytest.raises(DatabaseError, match="cannot change"), transaction.atomic():
        Document.objects.filter(pk=receipt.pk).update(**change)


@pytest.mark.django_db
def test_lines_refuse_updates_and_nothing_is_deleted_inside_the_retention_period(
    coach_practice, buyer
):
    receipt = receipt_issued(coach_practice, buyer)
    with pytest.raises(DatabaseError, match="cannot change"), transaction.atomic():
        DocumentLine.objects.filter(document=receipt).update(gross=Decimal("1.00"))
    with pytest.raises(DatabaseError, match="cannot change"), transaction.atomic():
        DocumentLine.objects.filter(document=receipt).delete()
    with (
        pytest.raises(DatabaseError, match="kept until"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM billing_document WHERE id = %s", [receipt.pk])
    assert purge_expired_documents.apply().get() == 0
    assert Document.objects.filter(pk=receipt.pk).exists()
