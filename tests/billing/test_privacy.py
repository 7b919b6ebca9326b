"""Billing's personal data on erasure (coaching/billing/privacy.py): documents are restricted and
blanked only where the law does not require the buyer's name, and released to billing's purge when
their period ends."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import DatabaseError, transaction

from coaching.billing.models import Document
from coaching.billing.receivers import money_moved_issue_documents
from coaching.payments.signals import MoneyEvent
from privacy.models import RestrictedRecord
from privacy.retention import retention_enforce
from privacy.scan import database_scan
from privacy.services import account_erase
from tests.billing.factories import receipt_issued, refund_record


@pytest.mark.django_db
def test_erasure_restricts_and_blanks_only_what_the_law_does_not_require(coach_practice, buyer):
    small = receipt_issued(coach_practice, buyer)
    large = receipt_issued(
        coach_practice, buyer, amount=Decimal("300.00"), billing_name="Max Mustermann",
        billing_address="Hauptstraße 5\n20095 Hamburg",
    )  # fmt: skip
    refund_record(large.purchase, amount=Decimal("300.00"))
    money_moved_issue_documents(
        MoneyEvent("refunded", large.purchase_id, list(large.purchase.ledger_entries.values_list(
            "pk", flat=True)))
    )  # fmt: skip

    account_erase(user=buyer)

    small.refresh_from_db()
    large.refresh_from_db()
    assert small.restricted and large.restricted
    assert small.recipient_user is None and small.recipient_name == ""
    # Above 250 € the receipt must name the buyer (§ 33 UStDV): kept, restricted.
    assert large.recipient_name == "Max Mustermann"
    assert large.recipient_address == "Hauptstraße 5\n20095 Hamburg"
    assert large.gross_total == Decimal("300.00") and large.number == "2026-0002"
    assert large.corrections.get().restricted
    # Held, and marked so (the erasure scan accepts these cells only): the receipt and its
    # correction, which name the buyer; not the small one, which no longer does.
    held = {
        (r.object_id, tuple(r.fields))
        for r in RestrictedRecord.objects.filter(model_label="billing.Document")
    }
    recipient = ("recipient_name", "recipient_address", "recipient_vat_id")
    assert held == {(str(large.pk), recipient), (str(large.corrections.get().pk), recipient)}
    cells = {(f"billing_document.{c}", pk) for pk, fields in held for c in fields}
    found = database_scan(needles=["Mustermann", "Hauptstraße 5"])
    assert found and {(f.where, f.key) for f in found} <= cells
    # When the period ends privacy's retention leaves the held columns to billing's purge (the
    # trigger would refuse clearing them) and releases each mark once its document is gone.
    gone = RestrictedRecord.objects.create(
        model_label="billing.Document", object_id="999999", fields=list(recipient),
        basis="test", pseudonym="p", keep_until=datetime(2034, 12, 31).date(),
    )  # fmt: skip
    report = retention_enforce(now=datetime(2035, 1, 2, tzinfo=UTC)).report
    assert report["accounting"] == 1
    assert set(RestrictedRecord.objects.filter(released_at__isnull=True)) == set(
        RestrictedRecord.objects.exclude(pk=gone.pk)
    )
    large.refresh_from_db()
    assert large.recipient_name == "Max Mustermann"
    # Restricted is for good.
    with pytest.raises(DatabaseError, match="cannot change"), transaction.atomic():
        Document.objects.filter(pk=small.pk).update(restricted=False)
