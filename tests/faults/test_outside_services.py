"""PayPal and Twilio refusing connections (faked at the HTTP level: `responses` raises the
ConnectionError that `requests` would): a clear 503 or a queued retry, never a 500, and one
item's failure never holds up the others. Runs in-process on the suite's database."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import requests
import responses
import time_machine
from django.urls import reverse

from coaching.bookings.models import Booking, BookingState
from coaching.notifications.models import Channel, Kind, Notification, Preferences, Status
from coaching.notifications.preferences import preferences_for, preferences_update
from coaching.notifications.tasks import send_due_reminders
from tests.bookings.fixtures import TUESDAY_10
from tests.factories import BookingFactory, SessionTypeFactory, UserFactory
from tests.notifications.conftest import TWILIO_SID, TWILIO_URL, use_twilio
from tests.payments.fake_paypal import BASE as PAYPAL

pytestmark = pytest.mark.django_db

REFUSED = requests.ConnectionError("[Errno 111] Connection refused")


def _refuse_paypal(mock: responses.RequestsMock) -> None:
    """From now on PayPal's host refuses every connection."""
    mock.reset()
    for method in (responses.GET, responses.POST):
        mock.add(method, re.compile(rf"{re.escape(PAYPAL)}/.*"), body=REFUSED)


def test_paypal_refusing_at_checkout_answers_503_and_keeps_the_slot(
    client, client_user, session_type, paypal, frozen
):
    _refuse_paypal(paypal.mock)
    client.force_login(client_user)
    response = client.post(
        reverse("bookings:start", args=[session_type.practice.slug, session_type.pk]),
        {"start": f"{TUESDAY_10:%Y-%m-%dT%H:%M:%SZ}", "price": "80.00"},
    )
    assert response.status_code == 503
    assert "PayPal" in response.content.decode()
    assert Booking.objects.get().state == BookingState.HELD  # reserved for a few minutes


def test_paypal_refusing_on_the_return_answers_503_and_the_capture_can_be_retried(
    client, client_user, session_type, paypal, frozen
):
    from tests.bookings.fixtures import approved_at_paypal

    booking, order_id = approved_at_paypal(paypal, client=client_user, session_type=session_type)
    orders = dict(paypal.orders)
    client.force_login(client_user)
    return_url = reverse("bookings:paypal_return", args=[booking.reference])

    _refuse_paypal(paypal.mock)
    refused = client.get(return_url, {"token": order_id})
    assert refused.status_code == 503
    booking.refresh_from_db()
    assert booking.state == BookingState.HELD

    # PayPal is back: the same return link (the client's retry) confirms the booking.
    paypal.mock.reset()
    back = type(paypal)(paypal.mock)
    back.orders.update(orders)
    assert client.get(return_url, {"token": order_id}).status_code == 302
    booking.refresh_from_db()
    assert booking.state == BookingState.CONFIRMED


@pytest.fixture
def twilio_refusing(settings):
    use_twilio(settings)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(responses.POST, TWILIO_URL, body=REFUSED)
        yield mock


def test_twilio_refusing_the_sms_code_answers_with_a_message_not_a_500(client, twilio_refusing):
    user = UserFactory(language="en", phone="+4915112345678")
    client.force_login(user)
    response = client.post(reverse("notifications:sms_code_send"), follow=True)
    assert response.status_code == 200
    assert "SMS cannot be sent right now" in response.content.decode()
    assert len(twilio_refusing.calls) == 1
    assert Preferences.objects.get(user=user).sms_code_hash == ""  # asking again works at once


def test_twilio_refusing_fails_each_sms_alone_and_the_next_scan_sends_them(
    twilio_refusing, mailoutbox
):
    start = datetime(2026, 6, 10, 8, tzinfo=UTC)
    people = [UserFactory(language="en", phone=f"+49151123456{n:02d}") for n in range(3)]
    with time_machine.travel(start - timedelta(days=5), tick=False):
        for person in people:
            Preferences.objects.filter(pk=preferences_for(person).pk).update(
                sms_confirmed_phone=person.phone
            )
            preferences_update(user=person, sms_reminders=True)
            # Three coaches, one session each at the same time: three reminders due at once.
            BookingFactory(session_type=SessionTypeFactory(), client=person, start=start)
    with time_machine.travel(start - timedelta(minutes=40), tick=False):
        send_due_reminders.apply()

    sms = Notification.objects.filter(channel=Channel.SMS, kind=Kind.REMINDER_1H)
    assert sms.count() == 3
    assert set(sms.values_list("status", flat=True)) == {Status.FAILED}
    assert len(twilio_refusing.calls) == 3  # each tried: one failure held up no other
    emails = Notification.objects.filter(channel=Channel.EMAIL, kind=Kind.REMINDER_1H)
    assert set(emails.values_list("status", flat=True)) == {Status.SENT}

    twilio_refusing.replace(
        responses.POST,
        TWILIO_URL,
        json={"sid": "SM" + "2" * 32, "status": "queued", "account_sid": TWILIO_SID},
        status=201,
    )
    with time_machine.travel(start - timedelta(minutes=39), tick=False):
        send_due_reminders.apply()
    assert set(sms.values_list("status", flat=True)) == {Status.SENT}
