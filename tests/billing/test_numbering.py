"""Document numbers (coaching/billing/services/numbering.py): no gaps and no twins under
concurrency, only inside a transaction, given back by a rollback."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from coaching.billing.models import NumberSeries
from coaching.billing.services.numbering import number_take
from tests.billing.factories import receipt_issued


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
    assert receipt_issued(coach_practice, buyer).number.endswith("-0001")
