"""Concurrent checkouts cannot take more uses of a coupon than it has: the uses are counted
under the coupon's row lock and written with the purchase, in one transaction (PostgreSQL,
real threads and connections, started together at a barrier)."""

import threading
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection, transaction
from django.utils import translation

from coaching.packages.coupons import coupon_uses_counted
from coaching.packages.models import ClientPackage, Coupon, CouponUse, Package
from coaching.packages.services import PackageError, client_package_start
from coaching.payments.models import Purchase
from coaching.practices.services import practice_publish
from tests.factories import PracticeFactory, SessionTypeFactory, UserFactory

ATTEMPTS = 12
USES = 3
NOW = datetime(2026, 6, 1, 6, tzinfo=UTC)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twelve_concurrent_checkouts_take_exactly_the_three_uses_a_coupon_has():
    practice = PracticeFactory()
    session_type = SessionTypeFactory(practice=practice, duration_minutes=60)
    practice_publish(practice=practice, actor=practice.owner)
    package = Package.objects.create(
        practice=practice, session_type=session_type, name="5er", sessions=5, price=Decimal("400")
    )
    coupon = Coupon.objects.create(
        practice=practice, code="RACE", kind="amount", value=Decimal("40"), max_uses=USES
    )
    clients = [UserFactory() for _ in range(ATTEMPTS)]
    barrier = threading.Barrier(ATTEMPTS)
    won, refused, errors = [], [], []

    def attempt(client):
        try:
            barrier.wait(timeout=30)
            with translation.override("en"), transaction.atomic(durable=True):
                bought = client_package_start(
                    package_id=package.pk, practice=practice, client=client, coupon_code="race"
                )
            won.append(bought.pk)
        except PackageError as error:
            refused.append(str(error))
        except Exception as error:
            errors.append(repr(error))
        finally:
            connection.close()

    with time_machine.travel(NOW, tick=False):
        threads = [threading.Thread(target=attempt, args=(client,)) for client in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=90)
        assert coupon_uses_counted(coupon, now=NOW) == USES

    assert errors == []
    assert len(won) == USES
    assert len(refused) == ATTEMPTS - USES
    assert all("used up" in message for message in refused)
    # Nothing of a refused checkout was written: no client package, no purchase, no use.
    assert ClientPackage.objects.count() == Purchase.objects.count() == CouponUse.objects.count()
    assert CouponUse.objects.count() == USES
    assert set(Purchase.objects.values_list("total", flat=True)) == {Decimal("360.00")}
