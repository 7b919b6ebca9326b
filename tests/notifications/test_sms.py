"""SMS through the real twilio client, faked at the HTTP level; the status/reply webhook."""

import json
import logging
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs

import pytest
import requests
import responses
import time_machine
from django.conf import settings
from django.urls import reverse
from twilio.request_validator import RequestValidator

from coaching.bookings.models import BookingState
from coaching.notifications.models import Channel, Kind, Notification, Preferences, Status
from coaching.notifications.preferences import preferences_update
from coaching.notifications.queueing import booking_notify
from coaching.notifications.tasks import send_due_reminders
from tests.factories import (
    BookingFactory,
    NotificationFactory,
    PracticeFactory,
    SessionTypeFactory,
    UserFactory,
)
from tests.notifications.conftest import TWILIO_SID, TWILIO_URL

pytestmark = pytest.mark.django_db

PHONE = "+4915123456789"
START = datetime(2026, 6, 10, 8, tzinfo=UTC)
WEBHOOK = "http://127.0.0.1:8000/webhooks/twilio/sms/"


def sms_requests(mock):
    return [parse_qs(call.request.body) for call in mock.calls if call.request.url == TWILIO_URL]


@pytest.fixture
def person(client):
    user = UserFactory(language="en", phone=PHONE)
    client.force_login(user)
    return user


def confirm_phone(client, mock):
    client.post(reverse("notifications:sms_code_send"))
    code = sms_requests(mock)[-1]["Body"][0].rsplit(" ", 1)[1]
    return client.post(reverse("notifications:sms_code_confirm"), {"code": code})


def test_confirming_the_mobile_number_by_code(client, person, twilio):
    client.post(reverse("notifications:sms_code_send"))
    [sent] = sms_requests(twilio)
    assert sent["To"] == [PHONE] and sent["From"] == ["+4915700000000"]
    assert sent["Body"][0].startswith("Your SofaDoc confirmation code: ")
    assert twilio.calls[0].request.headers["Authorization"].startswith("Basic ")

    response = client.post(reverse("notifications:sms_code_confirm"), {"code": "000000"})
    assert response.status_code == 302
    assert not Preferences.objects.get(user=person).sms_possible()
    response = client.post(reverse("notifications:sms_code_confirm"), {"code": "12"}, follow=True)
    assert "Enter the six digits from the SMS." in response.content.decode()

    code = sent["Body"][0].rsplit(" ", 1)[1]
    client.post(reverse("notifications:sms_code_confirm"), {"code": code})
    prefs = Preferences.objects.get(user=person)
    assert prefs.sms_confirmed_phone == PHONE and prefs.sms_possible()


def test_too_many_wrong_codes_expire_the_code(client, person, twilio):
    client.post(reverse("notifications:sms_code_send"))
    code = sms_requests(twilio)[-1]["Body"][0].rsplit(" ", 1)[1]
    for _ in range(5):
        client.post(reverse("notifications:sms_code_confirm"), {"code": "999999"})
    client.post(reverse("notifications:sms_code_confirm"), {"code": code})
    assert not Preferences.objects.get(user=person).sms_possible()


def test_sms_reminder_goes_through_twilio_without_session_details(
    client, person, twilio, session_type
):
    confirm_phone(client, twilio)
    preferences_update(user=person, sms_reminders=True)
    with time_machine.travel(START - timedelta(days=5), tick=False):
        BookingFactory(session_type=session_type, client=person, start=START)
    with time_machine.travel(START - timedelta(minutes=40), tick=False):
        send_due_reminders.apply()

    sent = sms_requests(twilio)[-1]
    assert sent["To"] == [PHONE]
    assert sent["StatusCallback"] == [WEBHOOK]
    body = sent["Body"][0]
    assert body.startswith("SofaDoc: your session starts at ")
    assert session_type.name not in body and "Europe/Berlin" in body
    row = Notification.objects.get(channel=Channel.SMS)
    assert row.status == Status.SENT and row.provider_id == "SM" + "1" * 32
    # A hung Twilio call must not outlast the worker's claim on the message.
    assert twilio.calls[-1].request.req_kwargs["timeout"] == settings.TWILIO_HTTP_TIMEOUT == 10
    assert body.endswith(f"/bookings/{row.booking.reference}/join/")


def test_a_number_that_opted_out_is_not_texted_again(client, person, twilio, session_type):
    confirm_phone(client, twilio)
    preferences_update(user=person, sms_reminders=True)
    twilio.replace(
        responses.POST,
        TWILIO_URL,
        json={"code": 21610, "message": "Attempt to send to unsubscribed recipient", "status": 400},
        status=400,
    )
    with time_machine.travel(START - timedelta(days=5), tick=False):
        BookingFactory(session_type=session_type, client=person, start=START)
    with time_machine.travel(START - timedelta(minutes=40), tick=False):
        send_due_reminders.apply()
        send_due_reminders.apply()

    row = Notification.objects.get(channel=Channel.SMS)
    assert row.status == Status.SKIPPED and "21610" in row.reason
    prefs = Preferences.objects.get(user=person)
    assert prefs.sms_opted_out_at and not prefs.sms_reminders and not prefs.sms_possible()
    assert len(sms_requests(twilio)) == 2  # the code, and the one refused reminder
    # E-mail still went out: service messages don't depend on SMS.
    assert Notification.objects.get(channel=Channel.EMAIL, recipient=person).status == Status.SENT


def signed_post(client, params, token=None):
    signing_key = token or settings.TWILIO_AUTH_TOKEN  # the twilio fixture's token
    signature = RequestValidator(signing_key).compute_signature(WEBHOOK, params)
    return client.post(
        reverse("notifications:twilio_sms"), params, HTTP_X_TWILIO_SIGNATURE=signature
    )


def test_webhook_rejects_unsigned_and_forged_calls(client, twilio):
    params = {"MessageSid": "SM1", "MessageStatus": "delivered"}
    assert client.post(reverse("notifications:twilio_sms"), params).status_code == 403
    assert signed_post(client, params, token="wrong").status_code == 403


def test_webhook_records_a_failed_delivery(client, person, twilio):
    row = NotificationFactory(
        recipient=person, kind=Kind.REMINDER_1H, channel=Channel.SMS, key="x", provider_id="SM42"
    )
    params = {"MessageSid": "SM42", "MessageStatus": "undelivered", "ErrorCode": "30003"}
    assert signed_post(client, params).status_code == 204
    row.refresh_from_db()
    assert row.status == Status.FAILED and row.reason == "Twilio undelivered 30003"
    # Final: the next scans do not text the person again (staff can resend from the log).
    send_due_reminders.apply()
    row.refresh_from_db()
    assert row.status == Status.FAILED and row.sent_at is None


def test_webhook_without_a_status_is_a_clear_400(client, twilio):
    assert signed_post(client, {"MessageSid": "SM42"}).status_code == 400


def test_stop_reply_opts_the_number_out(client, person, twilio):
    confirm_phone(client, twilio)
    response = signed_post(client, {"From": PHONE, "Body": "Stop", "MessageSid": "SM9"})
    assert response.status_code == 200 and response["Content-Type"] == "text/xml"
    assert Preferences.objects.get(user=person).sms_opted_out_at is not None


def test_the_sandbox_twin_sends_nothing_and_logs_nothing_personal(client, person, settings, caplog):
    settings.SMS_MODE = "twin"
    with responses.RequestsMock() as mock, caplog.at_level(logging.INFO):
        client.post(reverse("notifications:sms_code_send"))
        assert len(mock.calls) == 0
    assert "sms sandbox" in caplog.text
    assert PHONE not in caplog.text and "code" not in caplog.text.lower().split("sandbox")[1]


def test_booking_messages_go_by_sms_when_chosen_without_session_details(
    client, person, twilio, session_type
):
    confirm_phone(client, twilio)
    preferences_update(user=person, sms_booking_messages=True)
    now = START - timedelta(days=5)
    with time_machine.travel(now, tick=False):
        booking = BookingFactory(session_type=session_type, client=person, start=START)
        booking_notify(booking=booking, kind=Kind.BOOKING_CONFIRMED, to_client_only=True)
        booking_notify(booking=booking, kind=Kind.BOOKING_REFUNDED, to_client_only=True)
        held = BookingFactory(
            session_type=session_type,
            client=person,
            start=START + timedelta(hours=2),
            state=BookingState.HELD,
            hold_expires_at=now + timedelta(minutes=3),
        )
        send_due_reminders.apply()

    texts = {
        row.kind: sms_requests(twilio)[i + 1]["Body"][0]
        for i, row in enumerate(Notification.objects.filter(channel=Channel.SMS).order_by("pk"))
    }
    assert set(texts) == {Kind.BOOKING_CONFIRMED, Kind.BOOKING_REFUNDED, Kind.PAYMENT_PENDING}
    assert texts[Kind.BOOKING_CONFIRMED].startswith(f"SofaDoc: Your booking {booking.reference}")
    assert "refund" in texts[Kind.BOOKING_REFUNDED]
    assert held.reference in texts[Kind.PAYMENT_PENDING]
    assert not any(session_type.name in text for text in texts.values())
    assert all(len(text) <= 320 for text in texts.values())  # two SMS segments at most


def test_booking_messages_stay_off_sms_unless_chosen(client, person, twilio, session_type):
    confirm_phone(client, twilio)
    with time_machine.travel(START - timedelta(days=5), tick=False):
        booking = BookingFactory(session_type=session_type, client=person, start=START)
        booking_notify(booking=booking, kind=Kind.BOOKING_CONFIRMED, to_client_only=True)
        send_due_reminders.apply()

    assert not Notification.objects.filter(channel=Channel.SMS).exists()
    assert len(sms_requests(twilio)) == 1  # only the confirmation code


# --- Twilio unreachable: a message for the person, a retry for the queued item -----------------


def test_asking_for_a_code_while_twilio_is_unreachable_says_so_and_may_be_repeated_at_once(
    client, person, twilio
):
    twilio.replace(responses.POST, TWILIO_URL, body=requests.ConnectionError("refused"))

    response = client.post(reverse("notifications:sms_code_send"), follow=True)

    assert response.status_code == 200
    assert "SMS cannot be sent right now. Please try again in a few minutes." in (
        response.content.decode()
    )
    assert not Preferences.objects.get(user=person).sms_code_hash  # no code that never arrived
    twilio.replace(
        responses.POST,
        TWILIO_URL,
        json={"sid": "SM" + "2" * 32, "status": "queued", "account_sid": TWILIO_SID},
        status=201,
    )
    response = client.post(reverse("notifications:sms_code_send"), follow=True)
    assert "We sent a code to your mobile number." in response.content.decode()


@pytest.mark.parametrize(
    "failure",
    [
        requests.ConnectionError("Connection refused"),
        requests.ReadTimeout("Read timed out. (read timeout=10)"),
        (503, {"code": 20503, "message": "Service unavailable", "status": 503}),
    ],
    ids=["refused", "slow", "failing"],
)
def test_a_reminder_twilio_cannot_take_fails_alone_and_goes_out_on_the_next_pass(
    client, twilio, session_type, failure
):
    """Twilio fails for the first person's number only: the second person's reminder goes out
    in the same pass; the first is sent by the next pass once Twilio takes it."""
    down = {"+4915100000001"}
    people = []
    for phone in ("+4915100000001", "+4915100000002"):
        person = UserFactory(language="en", phone=phone)
        client.force_login(person)
        confirm_phone(client, twilio)
        preferences_update(user=person, sms_reminders=True)
        people.append(person)

    def twilio_messages(request):
        if parse_qs(request.body)["To"][0] in down:
            if isinstance(failure, Exception):
                raise failure
            status, body = failure
            return status, {}, json.dumps(body)
        body = {"sid": "SM" + "3" * 32, "status": "queued", "account_sid": TWILIO_SID}
        return 201, {}, json.dumps(body)

    twilio.remove(responses.POST, TWILIO_URL)
    twilio.add_callback(responses.POST, TWILIO_URL, callback=twilio_messages)
    with time_machine.travel(START - timedelta(days=5), tick=False):
        BookingFactory(session_type=session_type, client=people[0], start=START)
        BookingFactory(
            session_type=SessionTypeFactory(practice=PracticeFactory()),
            client=people[1],
            start=START,
        )

    with time_machine.travel(START - timedelta(minutes=40), tick=False):
        send_due_reminders.apply()
    rows = [Notification.objects.get(channel=Channel.SMS, recipient=p) for p in people]
    assert [row.status for row in rows] == [Status.FAILED, Status.SENT]
    assert "SmsUnavailable" in rows[0].reason

    down.clear()  # Twilio is back by the next minute's scan
    with time_machine.travel(START - timedelta(minutes=39), tick=False):
        send_due_reminders.apply()
    rows[0].refresh_from_db()
    assert rows[0].status == Status.SENT and rows[0].attempts == 2
