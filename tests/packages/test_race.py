"""One credit left, 32 bookings at once from the same package on a real PostgreSQL: exactly one
succeeds. Each attempt has its own thread and connection and really commits (transactional
test), released together by a barrier, like the bookings race test."""

import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection, transaction

from coaching.bookings.models import Booking, BookingState
from coaching.packages.models import ClientPackage, CreditEntry, Package
from coaching.packages.services import (
    PackageError,
    booking_from_credit,
    client_package_activate,
    credit_balance,
)
from coaching.practices.services import practice_publish
from tests.factories import PracticeFactory, SessionTypeFactory, UserFactory

ATTEMPTS = 32
NOW = datetime(2026, 6, 1, 6, tzinfo=UTC)  # Monday 08:00 in Berlin
# 32 distinct hours inside Mon-Fri 09:00-17:00 Berlin (07-15 UTC), Tuesday to Friday.
STARTS = [datetime(2026, 6, 2 + day, 7 + hour, tzinfo=UTC) for day in range(4) for hour in range(8)]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_32_bookings_from_one_package_with_one_credit_left_make_exactly_one():
    practice = PracticeFactory()
    session_type = SessionTypeFactory(practice=practice, duration_minutes=60)
    practice_publish(practice=practice, actor=practice.owner)
    client = UserFactory()
    package = Package.objects.create(
        practice=practice, session_type=session_type, name="2er", sessions=2, price=Decimal("150")
    )
    with time_machine.travel(NOW, tick=False):
        client_package = ClientPackage.objects.create(
            package=package,
            practice=practice,
            session_type=session_type,
            client=client,
            name=package.name,
            sessions=2,
            price=package.price,
            validity_days=180,
            expiry_rule=package.expiry_rule,
        )
        with transaction.atomic():
            client_package_activate(client_package_id=client_package.pk)
        with transaction.atomic():
            booking_from_credit(
                client_package=client_package, client=client, start=STARTS[0] + timedelta(days=7)
            )
    assert credit_balance(client_package) == 1

    barrier = threading.Barrier(ATTEMPTS)
    won, refused, errors = [], [], []

    def attempt(start):
        try:
            barrier.wait(timeout=30)
            with transaction.atomic(durable=True):
                booking = booking_from_credit(
                    client_package=client_package, client=client, start=start, now=NOW
                )
            won.append(booking.pk)
        except PackageError:
            refused.append(start)
        except Exception as error:
            errors.append(repr(error))
        finally:
            connection.close()

    with time_machine.travel(NOW, tick=False):
        threads = [threading.Thread(target=attempt, args=(start,)) for start in STARTS]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=90)

    assert errors == []
    assert len(won) == 1
    assert len(refused) == ATTEMPTS - 1
    assert credit_balance(client_package) == 0
    assert CreditEntry.objects.filter(kind="use").count() == 2
    assert Booking.objects.filter(state=BookingState.CONFIRMED).count() == 2
