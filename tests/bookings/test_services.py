"""The booking services (coaching/bookings/services/): cancel with the refund the rule says,
move, and settle a session (booking_complete, booking_mark_no_show: the only way a session
becomes completed or a no-show, under a row lock, audited). The checkout's services are tested
through its pages in test_views.py; holds racing each other are at the end of this file."""

import json
import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction
from django.utils import translation

from coaching.bookings.models import Booking, BookingEvent, BookingState, Role
from coaching.bookings.services import (
    BookingError,
    SlotTaken,
    booking_cancel,
    booking_complete,
    booking_hold,
    booking_mark_no_show,
)
from coaching.payments.models import PaymentStatus
from coaching.practices.services import practice_publish
from tests.bookings.fixtures import TUESDAY_10
from tests.factories import PracticeFactory, SessionTypeFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_client_cancels_inside_the_free_window_and_is_refunded_in_full(
    booking, client_user, paypal, frozen
):
    # Deadline is Monday 10:00 (24 h before); it is exactly then: still free.
    refund = booking_cancel(booking=booking, actor=client_user, role=Role.CLIENT)

    booking.refresh_from_db()
    assert booking.state == BookingState.CANCELLED and booking.cancelled_by == Role.CLIENT
    assert refund.amount == booking.price and refund.status == "completed"
    assert booking.payments.get().status == PaymentStatus.REFUNDED
    [sent] = paypal.requests_to("/refund")
    assert json.loads(sent.body)["amount"] == {"currency_code": "EUR", "value": "80.00"}
    assert sent.headers["PayPal-Request-Id"].startswith("sofadoc-refund-")


def test_client_cancelling_after_the_window_gets_no_refund(booking, client_user, paypal, frozen):
    frozen.shift(timedelta(seconds=1))  # one second past the deadline

    refund = booking_cancel(booking=booking, actor=client_user, role=Role.CLIENT)

    assert refund is None
    assert Booking.objects.get().state == BookingState.CANCELLED
    assert not paypal.requests_to("/refund")
    assert booking.payments.get().status == PaymentStatus.CAPTURED


def test_coach_cancelling_always_refunds_and_must_say_why(booking, practice, paypal, frozen):
    frozen.shift(timedelta(hours=20))  # well past the client's window
    with pytest.raises(BookingError):
        booking_cancel(booking=booking, actor=practice.owner, role=Role.COACH, reason=" ")

    refund = booking_cancel(
        booking=booking, actor=practice.owner, role=Role.COACH, reason="Ich bin krank."
    )

    assert refund.amount == booking.price
    assert Booking.objects.get().cancel_reason == "Ich bin krank."


def test_a_refund_that_paypal_refuses_is_kept_for_staff(booking, client_user, paypal, frozen):
    paypal.fail_refunds = True

    refund = booking_cancel(booking=booking, actor=client_user, role=Role.CLIENT)

    assert refund.status == "failed"
    assert Booking.objects.get().state == BookingState.CANCELLED


def test_a_session_is_settled_only_after_its_end(booking, frozen):
    frozen.move_to(TUESDAY_10 + timedelta(minutes=30))
    with pytest.raises(BookingError):
        booking_complete(booking=booking, reason="too early")
    booking.refresh_from_db()
    assert booking.state == BookingState.CONFIRMED

    frozen.move_to(TUESDAY_10 + timedelta(hours=1))
    assert booking_complete(booking=booking, reason="attended").state == BookingState.COMPLETED
    event = BookingEvent.objects.filter(booking=booking).latest("pk")
    assert (event.from_state, event.to_state, event.actor_role, event.reason) == (
        BookingState.CONFIRMED,
        BookingState.COMPLETED,
        Role.SYSTEM,
        "attended",
    )


def test_the_coach_corrects_either_way_and_a_repeat_changes_nothing(booking, practice, frozen):
    frozen.move_to(TUESDAY_10 + timedelta(hours=2))
    booking_mark_no_show(booking=booking, reason="nobody came")
    events = BookingEvent.objects.filter(booking=booking).count()
    assert booking_mark_no_show(booking=booking, reason="again").state == BookingState.NO_SHOW
    assert BookingEvent.objects.filter(booking=booking).count() == events

    coach = practice.owner
    booking_complete(booking=booking, actor=coach, role=Role.COACH, reason="by phone")
    booking.refresh_from_db()
    assert booking.state == BookingState.COMPLETED
    event = BookingEvent.objects.filter(booking=booking).latest("pk")
    assert (event.actor, event.actor_role) == (coach, Role.COACH)


def test_a_cancelled_booking_is_neither_completed_nor_a_no_show(booking, client_user, frozen):
    booking_cancel(booking=booking, actor=client_user, role=Role.CLIENT)
    frozen.move_to(TUESDAY_10 + timedelta(hours=2))
    for settle in (booking_complete, booking_mark_no_show):
        with pytest.raises(BookingError):
            settle(booking=booking, reason="scan")
    booking.refresh_from_db()
    assert booking.state == BookingState.CANCELLED


# Holds racing each other: no double booking under concurrent checkout, on a real PostgreSQL.
# Each attempt runs in its own thread with its own database connection; a barrier releases them
# together. These tests are transactional (no wrapping transaction), so every attempt really
# commits or really fails, as in production.
ATTEMPTS = 32
START = TUESDAY_10
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
def buffered_practice():
    """A published practice whose bookings keep 10 minutes free after them."""
    practice = PracticeFactory(buffer_after_minutes=10)
    SessionTypeFactory(practice=practice)  # needed to publish
    practice_publish(practice=practice, actor=practice.owner)
    return practice


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_32_clients_racing_for_one_slot_get_exactly_one_booking(buffered_practice):
    practice = buffered_practice
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
def test_overlapping_session_types_racing_get_exactly_one_booking(buffered_practice):
    practice = buffered_practice
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
def test_the_database_refuses_overlaps_even_when_the_code_does_not_check(buffered_practice):
    """The exclusion constraint is the last line: a raw insert of an overlap fails."""
    practice = buffered_practice
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
