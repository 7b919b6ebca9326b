"""bookings.Receipt rows become billing documents with their numbers, and the series continues."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("billing", "0002_documents_immutable"),
    ("bookings", "0003_pay_money_moves_to_payments"),
]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_receipts_move_into_billing_with_their_numbers():
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    User = old.get_model("accounts", "User")
    Practice = old.get_model("practices", "Practice")
    SessionType = old.get_model("practices", "SessionType")
    Booking = old.get_model("bookings", "Booking")
    Receipt = old.get_model("bookings", "Receipt")

    coach = User.objects.create(email="coach@example.org", display_name="Erika")
    client = User.objects.create(email="client@example.org", display_name="Jonas Client")
    practice = Practice.objects.create(owner=coach, name="Praxis", slug="praxis-mig")
    session_type = SessionType.objects.create(
        practice=practice, name="Sitzung", duration_minutes=60, price=Decimal("119.00")
    )
    start = datetime(2026, 6, 2, 8, 0, tzinfo=UTC)
    for number, (small_business, who) in enumerate([(True, client), (False, None)], start=1):
        begin = start + timedelta(days=number)
        booking = Booking.objects.create(
            practice=practice, session_type=session_type, client=who, state="confirmed",
            start=begin, end=begin + timedelta(hours=1), blocked_start=begin,
            blocked_end=begin + timedelta(hours=1), session_name="Sitzung",
            price=Decimal("119.00"), cancellation_window_hours=24, reference=f"SD-MIG{number}",
        )  # fmt: skip
        Receipt.objects.create(
            booking=booking, practice=practice, number=f"2026-{number:04d}",
            issued_at=begin - timedelta(days=1), issuer_name="Erika Muster",
            issuer_address="Weg 1\n10115 Berlin", issuer_tax_number="27/123/45678",
            small_business=small_business,
        )  # fmt: skip

    executor = MigrationExecutor(connection)
    executor.migrate(leaves)

    from coaching.billing.models import Document, NumberSeries
    from coaching.billing.services.numbering import number_take

    first, second = Document.objects.order_by("number")
    assert (first.number, first.kind, first.tax_treatment) == (
        "2026-0001",
        "receipt",
        "small_business",
    )
    assert first.recipient_name == "Jonas Client" and not first.restricted
    assert first.gross_total == first.net_total == Decimal("119.00")
    assert (second.tax_treatment, second.net_total, second.vat_total) == (
        "vat", Decimal("100.00"), Decimal("19.00"),
    )  # fmt: skip
    assert second.restricted and second.recipient_user_id is None  # the client had erased
    assert first.lines.get().item_kind == "booking"
    assert first.retain_until.isoformat() == "2034-12-31"
    assert NumberSeries.objects.get(issuer_key=f"practice:{practice.pk}").last_number == 2
    from django.db import transaction

    with transaction.atomic():
        assert number_take(issuer_key=f"practice:{practice.pk}", year=2026) == "2026-0003"
