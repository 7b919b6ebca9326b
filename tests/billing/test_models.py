"""What the database itself guarantees about documents, erasure and retention, and the numbers."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction

from coaching.billing.models import Document, DocumentLine, NumberSeries
from coaching.billing.receivers import money_moved_issue_documents
from coaching.billing.services import documents_purge_expired
from coaching.billing.services.documents import LineDraft, document_write
from coaching.billing.services.numbering import number_take
from coaching.billing.tasks import purge_expired_documents
from coaching.payments.signals import MoneyEvent
from privacy.models import RestrictedRecord
from privacy.retention import retention_enforce
from privacy.scan import database_scan
from privacy.services import account_erase
from tests.billing.factories import paid, refund_record


def _receipt(practice, buyer, **fields) -> Document:
    purchase, entries = paid(practice, buyer=buyer, **fields)
    money_moved_issue_documents(MoneyEvent("captured", purchase.pk, [e.pk for e in entries]))
    return Document.objects.get(purchase=purchase)


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
    receipt = _receipt(coach_practice, buyer)
    with pytest.raises(DatabaseError, match="cannot change"), transaction.atomic():
        Document.objects.filter(pk=receipt.pk).update(**change)


@pytest.mark.django_db
def test_lines_refuse_updates_and_nothing_is_deleted_inside_the_retention_period(
    coach_practice, buyer
):
    receipt = _receipt(coach_practice, buyer)
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


@pytest.mark.django_db
def test_erasure_restricts_and_blanks_only_what_the_law_does_not_require(coach_practice, buyer):
    small = _receipt(coach_practice, buyer)
    large = _receipt(
        coach_practice, buyer, amount=Decimal("300.00"), billing_name="Max Mustermann",
        billing_address="Hauptstraße 5\n20095 Hamburg",
    )  # fmt: skip
    refund_record(large.purchase, amount=Decimal("300.00"))
    money_moved_issue_documents(
        MoneyEvent("refunded", large.purchase_id, list(large.purchase.ledger_entries.values_list(
            "pk", flat=True)))
    )  # fmt: skip

    account_erase(user=buyer, actor=buyer)

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
    young = _receipt(coach_practice, None)

    assert documents_purge_expired() == 2

    assert list(Document.objects.values_list("pk", flat=True)) == [young.pk]
    assert not DocumentLine.objects.filter(document_id=original.pk).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_numbers_have_no_gaps_and_no_twins_under_concurrency():
    """Eight workers take 15 numbers each at the same time; one series, 1 to 120."""
    taken: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def worker():
        try:
            start.wait()
            for _ in range(15):
                with transaction.atomic(durable=True):
                    taken.append(number_take(issuer_key="practice:race", year=2026))
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(taken) == [f"2026-{n:04d}" for n in range(1, 121)]
    assert NumberSeries.objects.get(issuer_key="practice:race").last_number == 120


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_number_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError, match="needs a transaction"):
        number_take(issuer_key="practice:x", year=2026)


@pytest.mark.django_db
def test_a_rolled_back_document_gives_its_number_back(coach_practice, buyer):
    with pytest.raises(RuntimeError), transaction.atomic():
        number_take(issuer_key=f"practice:{coach_practice.pk}", year=2026)
        raise RuntimeError("the document failed")
    assert _receipt(coach_practice, buyer).number.endswith("-0001")
