"""The ledger: gross = PayPal fee + platform fee + net for every capture and every sequence of
partial refunds, to the cent (hypothesis), and the database refuses UPDATE and DELETE."""

from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from coaching.payments.fees import fee_from, fee_share, twin_paypal_fee
from coaching.payments.ledger import capture_rows, refund_rows
from coaching.payments.models import LedgerEntry, LedgerKind, Purchase

CENT = Decimal("0.01")
amounts = st.integers(min_value=1, max_value=1_000_000).map(lambda c: Decimal(c) * CENT)
percents = st.integers(min_value=0, max_value=3000).map(lambda p: Decimal(p) / 100)


@st.composite
def refund_sequences(draw):
    """A price, SofaDoc's fee on it, and partial refunds that never exceed it."""
    gross = draw(amounts)
    try:
        fee = fee_from(gross, percent=draw(percents), fixed=draw(amounts.filter(lambda a: a < 2)))
    except ValueError:
        fee = Decimal("0.00")
    cents_left = int(gross / CENT)
    refunds = []
    while cents_left and draw(st.booleans()):
        part = draw(st.integers(min_value=1, max_value=cents_left))
        refunds.append(Decimal(part) * CENT)
        cents_left -= part
    if draw(st.booleans()) and cents_left:
        refunds.append(Decimal(cents_left) * CENT)  # refunded to the last cent
    return gross, fee, refunds


@settings(max_examples=400, deadline=None)
@given(refund_sequences())
def test_every_movement_and_the_whole_sum_up_to_the_cent(case):
    gross, fee, refunds = case
    paypal_fee = twin_paypal_fee(gross)
    paypal_fee = min(paypal_fee, gross - fee)
    rows = capture_rows(gross=gross, paypal_fee=paypal_fee, platform_fee=fee)
    by_kind = dict(rows)
    assert (
        by_kind[LedgerKind.CAPTURE_GROSS]
        + by_kind[LedgerKind.PAYPAL_FEE]
        + by_kind[LedgerKind.PLATFORM_FEE]
        == by_kind[LedgerKind.NET]
    )
    refunded, fee_back = Decimal("0"), Decimal("0")
    all_rows = list(rows)
    for amount in refunds:
        share = fee_share(
            fee=fee, total=gross, amount=amount, refunded_before=refunded, fee_before=fee_back
        )
        assert Decimal("0") <= share <= fee - fee_back
        assert share == share.quantize(CENT)
        movement = dict(refund_rows(amount=amount, paypal_fee=Decimal("0"), platform_fee=share))
        assert (
            movement[LedgerKind.REFUND_GROSS]
            + movement[LedgerKind.REFUND_PAYPAL_FEE]
            + movement[LedgerKind.REFUND_PLATFORM_FEE]
            == movement[LedgerKind.REFUND_NET]
        )
        all_rows += list(movement.items())
        refunded += amount
        fee_back += share
    # Over the whole life of the payment: gross = fees + net, in the sum of all rows.
    total = {kind: sum((a for k, a in all_rows if k == kind), Decimal("0")) for kind in LedgerKind}
    gross_left = total[LedgerKind.CAPTURE_GROSS] + total[LedgerKind.REFUND_GROSS]
    fees_left = (
        total[LedgerKind.PAYPAL_FEE]
        + total[LedgerKind.REFUND_PAYPAL_FEE]
        + total[LedgerKind.PLATFORM_FEE]
        + total[LedgerKind.REFUND_PLATFORM_FEE]
    )
    assert gross_left + fees_left == total[LedgerKind.NET] + total[LedgerKind.REFUND_NET]
    if refunded == gross:  # refunded in full: SofaDoc's whole fee went back, not a cent more
        assert fee_back == fee


@given(amounts, percents)
def test_the_fee_is_never_more_than_the_price(amount, percent):
    try:
        fee = fee_from(amount, percent=percent, fixed=Decimal("0.35"))
    except ValueError:
        assert amount * percent / 100 + Decimal("0.35") > amount - CENT
    else:
        assert Decimal("0") <= fee <= amount


@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_update_and_delete_of_ledger_rows():
    from tests.factories import PracticeFactory

    practice = PracticeFactory()
    purchase = Purchase.objects.create(practice=practice, total="80.00", platform_fee="4.00")
    entry = LedgerEntry.objects.create(
        practice=practice,
        purchase=purchase,
        kind=LedgerKind.CAPTURE_GROSS,
        amount="80.00",
        currency="EUR",
        provider="paypal",
        provider_reference="CAP-1",
        occurred_at=timezone.now(),
    )
    for attempt in (
        lambda: LedgerEntry.objects.filter(pk=entry.pk).update(amount="1.00"),
        lambda: LedgerEntry.objects.filter(pk=entry.pk).delete(),
        lambda: connection.cursor().execute(
            "UPDATE payments_ledgerentry SET amount = 0 WHERE id = %s", [entry.pk]
        ),
        lambda: connection.cursor().execute(
            "DELETE FROM payments_ledgerentry WHERE id = %s", [entry.pk]
        ),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            attempt()
    entry.refresh_from_db()
    assert entry.amount == Decimal("80.00")
