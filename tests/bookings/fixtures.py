from datetime import UTC, datetime

import pytest
import responses
import time_machine
from django.urls import reverse

from coaching.bookings.services import booking_capture, booking_hold, booking_start_payment
from coaching.payments.providers.paypal_signature import forget_certificates
from coaching.practices.services import practice_publish
from tests.factories import PaidBookingFactory, PracticeFactory, SessionTypeFactory, UserFactory
from tests.payments.fake_paypal import FakePayPal

# Monday 1 June 2026, 10:00 in Berlin; slots on Tuesday 2 June are a day away.
NOW = datetime(2026, 6, 1, 8, tzinfo=UTC)
TUESDAY_10 = datetime(2026, 6, 2, 8, tzinfo=UTC)


@pytest.fixture
def paypal():
    forget_certificates()  # each test fetches PayPal's certificate from its own fake
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield FakePayPal(mock)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def practice():
    practice = PracticeFactory(
        slug="anna", cancellation_window_hours=24, owner__display_name="Anna Coach"
    )
    SessionTypeFactory(practice=practice, name="Coaching", price="80.00")
    practice_publish(practice=practice, actor=practice.owner)
    return practice


@pytest.fixture
def session_type(practice):
    return practice.session_types.get()


@pytest.fixture
def client_user():
    return UserFactory(display_name="Jonas Client", language="en")


@pytest.fixture
def received():
    """listen(signal) -> list of the kwargs of each time it is sent during the test."""
    connected = []

    def listen(signal):
        got = []

        def receiver(**kwargs):
            got.append(kwargs)

        signal.connect(receiver, weak=False)
        connected.append((signal, receiver))
        return got

    yield listen
    for signal, receiver in connected:
        signal.disconnect(receiver)


def held_with_order(*, client, session_type, start=TUESDAY_10):
    """Hold a slot and create its PayPal order, not yet approved; returns the booking."""
    booking = booking_hold(
        client=client, practice=session_type.practice, session_type_id=session_type.pk, start=start
    )
    booking_start_payment(
        booking=booking, return_url="https://x/r", cancel_url="https://x/c", locale="de-DE"
    )
    return booking


def approved_at_paypal(paypal, *, client, session_type, start=TUESDAY_10):
    """Hold a slot and have the client approve the PayPal order; returns (booking, order id)."""
    booking = held_with_order(client=client, session_type=session_type, start=start)
    order_id = booking.payments.get().order_id
    paypal.approve(order_id)
    return booking, order_id


def paid_booking(paypal, *, client, session_type, start=TUESDAY_10):
    booking, order_id = approved_at_paypal(
        paypal, client=client, session_type=session_type, start=start
    )
    return booking_capture(booking=booking, order_id=order_id, actor=client)


@pytest.fixture
def booking(session_type, client_user, paypal, frozen):
    """A confirmed, paid booking for Tuesday 10:00 Berlin, made on Monday 10:00 (through the
    services, without a round trip to PayPal: tests/factories/bookings.py). The PayPal fake is on
    to answer what the test does next (a cancellation's refund)."""
    return PaidBookingFactory(session_type=session_type, client=client_user, start=TUESDAY_10)


def start_url(session_type, start=TUESDAY_10):
    return (
        reverse("bookings:start", args=[session_type.practice.slug, session_type.pk])
        + f"?start={start:%Y-%m-%dT%H:%M:%SZ}"
    )


def hold_and_go_to_paypal(client, session_type, start=TUESDAY_10, price="80.00"):
    return client.post(
        start_url(session_type, start),
        {"start": f"{start:%Y-%m-%dT%H:%M:%SZ}", "price": price},
    )


@pytest.fixture
def signed_in(client, client_user):
    client.force_login(client_user)
    return client
