"""No double booking under concurrent checkout, on a real PostgreSQL.

Each attempt runs in its own thread with its own database connection; a barrier releases them
together. The test is transactional (no wrapping transaction), so every attempt really commits
or really fails, as in production.
"""

import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction
from django.utils import translation

from coaching.bookings.models import Booking, BookingState
from coaching.bookings.services import SlotTaken, booking_hold
from coaching.practices.services import practice_publish
from tests.factories import PracticeFactory, SessionTypeFactory, UserFactory

ATTEMPTS = 32
START = datetime(2026, 6, 2, 8, tzinfo=UTC)  # Tuesday 10:00 in Berlin
NOW = START - timedelta(days=3)


def race(attempts):
    """Run each (client, session type, start) hold at once; returns (won, taken, other errors)."""
    barrier = threading.Barrier(len(attempts))
    won, taken, errors = [], [], []

    def attempt(client, session_type, start):
        try:
            barrier.wait(timeout=30)
            with transaction.atomic(durable=True):
                booking = booking_hold(
                    client=client,
                    practice=session_type.practice,
                    session_type_id=session_type.pk,
                    start=start,
                    now=NOW,
                )
            won.append(booking.pk)
        except SlotTaken as error:
            with translation.override("en"):
                taken.append(str(error.message))
        except Exception as error:
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=args) for args in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return won, taken, errors


@pytest.fixture
def practice():
    practice = PracticeFactory(buffer_after_minutes=10)
    SessionTypeFactory(practice=practice)  # needed to publish
    practice_publish(practice=practice, actor=practice.owner)
    return practice


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_32_clients_racing_for_one_slot_get_exactly_one_booking(practice):
    session_type = practice.session_types.get()
    clients = [UserFactory() for _ in range(ATTEMPTS)]

    with time_machine.travel(NOW, tick=False):
        won, taken, errors = race([(client, session_type, START) for client in clients])

    assert errors == []
    assert len(won) == 1
    assert len(taken) == ATTEMPTS - 1
    assert set(taken) == {"This time was just taken. Please pick another slot."}
    assert Booking.objects.filter(state=BookingState.HELD).count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_overlapping_session_types_racing_get_exactly_one_booking(practice):
    short = practice.session_types.get()  # 60 minutes at 10:00
    long = SessionTypeFactory(practice=practice, duration_minutes=90)  # 90 minutes at 09:30
    clients = [UserFactory() for _ in range(ATTEMPTS)]
    attempts = [
        (client, short, START) if i % 2 else (client, long, START - timedelta(minutes=30))
        for i, client in enumerate(clients)
    ]

    with time_machine.travel(NOW, tick=False):
        won, taken, errors = race(attempts)

    assert errors == []
    assert len(won) == 1
    assert len(taken) == ATTEMPTS - 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_database_refuses_overlaps_even_when_the_code_does_not_check(practice):
    """The exclusion constraint is the last line: a raw insert of an overlap fails."""
    session_type = practice.session_types.get()
    with time_machine.travel(NOW, tick=False):
        first = booking_hold(
            client=UserFactory(), practice=practice, session_type_id=session_type.pk, start=START
        )

    overlapping = {
        "practice": practice,
        "session_type": session_type,
        "client": UserFactory(),
        "start": START + timedelta(minutes=30),
        "end": START + timedelta(minutes=90),
        "blocked_start": START + timedelta(minutes=30),
        "blocked_end": START + timedelta(minutes=100),
        "session_name": "x",
        "price": first.price,
        "cancellation_window_hours": 24,
        "state": BookingState.CONFIRMED,
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(**overlapping)
    # Bookings that no longer hold time do not block.
    Booking.objects.filter(pk=first.pk).update(state=BookingState.EXPIRED)
    Booking.objects.create(**overlapping)
