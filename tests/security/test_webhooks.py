"""The webhooks against forged, replayed, stale and malformed calls: a 4xx (or an idempotent
200), never a 500, and nothing changes. Adds to the per-app tests, which cover the basic forged,
stale, replayed and unparsable cases (tests/payments/test_webhooks.py, tests/video/test_views.py,
tests/notifications/test_sms.py)."""

import json
from datetime import timedelta
from urllib.parse import urlencode

import pytest
import responses
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from twilio.request_validator import RequestValidator

from coaching.bookings.models import Booking, BookingState
from coaching.notifications.models import Channel, Kind, Notification, Preferences, Status
from coaching.payments.models import WebhookEvent
from coaching.video.models import ParticipantEvent, VideoRoom
from coaching.video.services import video_identity
from tests.bookings.fixtures import TUESDAY_10, approved_at_paypal
from tests.payments.fake_paypal import CERT_URL

pytestmark = pytest.mark.django_db

# --- PayPal -----------------------------------------------------------------------------------


@pytest.fixture
def approved(session_type, client_user, paypal, frozen):
    """A held booking whose client approved at PayPal; a capture event would confirm it."""
    return approved_at_paypal(paypal, client=client_user, session_type=session_type)


def deliver(client, body: bytes, *, paypal, sent=None):
    """Signed by PayPal (the fake's key) over exactly `body`."""
    return client.post(
        reverse("payments:paypal_webhook"),
        data=body,
        content_type="application/json",
        **paypal.webhook_headers(body, sent=sent),
    )


def capture_event(order_id: str, *, event_id="WH-1", **changes) -> dict:
    event = {
        "id": event_id,
        "event_type": "PAYMENT.CAPTURE.COMPLETED",
        "resource": {
            "id": "CAPTURE-X",
            "supplementary_data": {"related_ids": {"order_id": order_id}},
        },
    }
    return {**event, **changes}


def nothing_happened(paypal):
    assert Booking.objects.get().state == BookingState.HELD
    assert not WebhookEvent.objects.exists()
    assert not paypal.requests_to("/capture")


@pytest.mark.parametrize(
    "changes",
    [
        {"resource": ["not", "an", "object"]},
        {"resource": "text"},
        {"resource": {"id": "C", "supplementary_data": ["x"]}},
        {"resource": {"id": "C", "supplementary_data": {"related_ids": "ORDER00001"}}},
        {"id": "WH-\x00-1"},
        {"event_type": "PAYMENT.CAPTURE.COMPLETED\x00"},
        {"id": None},
        {"id": "WH-" + "9" * 100},
    ],
    ids=["list", "text", "supp-list", "ids-text", "nul-id", "nul-type", "null-id", "long-id"],
)
def test_a_verified_event_of_the_wrong_shape_is_a_400(client, approved, paypal, changes):
    """PayPal vouches for the signature, not for our parser: a broken shape must not 500."""
    _booking, order_id = approved
    response = deliver(
        client, json.dumps(capture_event(order_id, **changes)).encode(), paypal=paypal
    )
    assert response.status_code == 400, response.content
    nothing_happened(paypal)


def test_a_huge_body_is_refused_before_it_is_read(client, approved, paypal):
    _booking, order_id = approved
    event = capture_event(order_id, padding="x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1))
    response = deliver(client, json.dumps(event).encode(), paypal=paypal)
    assert response.status_code == 400
    nothing_happened(paypal)
    assert not paypal.requests_to("/certs/")


def test_a_delivery_dated_in_the_future_is_stale_too(client, approved, paypal):
    _booking, order_id = approved
    body = json.dumps(capture_event(order_id)).encode()
    response = deliver(client, body, paypal=paypal, sent=timezone.now() + timedelta(hours=1))
    assert response.status_code == 400
    nothing_happened(paypal)
    assert not paypal.requests_to("/certs/")  # refused before fetching PayPal's certificate


def test_when_paypal_cannot_serve_its_certificate_the_event_is_retried_later(
    client, approved, paypal
):
    """Issue 24 #10: an unreachable verifier is a 503 (PayPal delivers again), never a 400."""
    _booking, order_id = approved
    paypal.mock.replace(responses.GET, CERT_URL, status=500)
    response = deliver(client, json.dumps(capture_event(order_id)).encode(), paypal=paypal)
    assert response.status_code == 503
    nothing_happened(paypal)


def test_a_certificate_that_is_no_certificate_counts_as_forged(client, approved, paypal):
    _booking, order_id = approved
    paypal.mock.replace(responses.GET, CERT_URL, body=b"<html>not a certificate</html>")
    response = deliver(client, json.dumps(capture_event(order_id)).encode(), paypal=paypal)
    assert response.status_code == 400
    nothing_happened(paypal)


def test_the_same_capture_under_a_new_event_id_confirms_once(client, approved, paypal):
    booking, order_id = approved
    first = deliver(
        client, json.dumps(capture_event(order_id, event_id="WH-1")).encode(), paypal=paypal
    )
    again = deliver(
        client, json.dumps(capture_event(order_id, event_id="WH-2")).encode(), paypal=paypal
    )
    assert first.status_code == again.status_code == 200
    assert again.json()["outcome"] == "already captured"
    booking.refresh_from_db()
    assert booking.state == BookingState.CONFIRMED
    assert booking.payments.get().capture_id
    assert len(paypal.requests_to("/capture")) == 1


# --- Twilio video ----------------------------------------------------------------------------

VIDEO_URL = "https://sofadoc.example/webhooks/twilio/video/"
VIDEO_TOKEN = "auth-token-for-tests"


@pytest.fixture
def room(settings, booking):
    settings.TWILIO_VIDEO_MODE = "live"
    settings.TWILIO_AUTH_TOKEN = VIDEO_TOKEN
    settings.SITE_URL = "https://sofadoc.example"
    return VideoRoom.objects.create(booking=booking, room_sid="RM" + "2" * 32)


def twilio_post(client, name, url, params, token):
    """Signed as Twilio signs, sent as Twilio sends: a urlencoded form."""
    signature = RequestValidator(token).compute_signature(url, params)
    return client.post(
        reverse(name),
        urlencode(params),
        content_type="application/x-www-form-urlencoded",
        HTTP_X_TWILIO_SIGNATURE=signature,
    )


def video_callback(client, params, *, token=VIDEO_TOKEN):
    return twilio_post(client, "video:twilio_webhook", VIDEO_URL, params, token)


def room_event(room, **changes):
    return {
        "StatusCallbackEvent": "participant-connected",
        "RoomName": room.unique_name,
        "RoomSid": room.room_sid,
        "ParticipantIdentity": video_identity(room.booking, "client"),
        "ParticipantSid": "PA1",
        "SequenceNumber": "1",
        "Timestamp": TUESDAY_10.isoformat().replace("+00:00", "Z"),
        **changes,
    }


def test_a_forged_room_ended_does_not_close_the_room(client, room, frozen):
    params = room_event(room, StatusCallbackEvent="room-ended")
    assert video_callback(client, params, token="guessed").status_code == 403
    assert client.post(reverse("video:twilio_webhook"), params).status_code == 403
    room.refresh_from_db()
    assert room.completed_at is None and not ParticipantEvent.objects.exists()


# Signed by Twilio, but with values that do not fit: each is a 400 and stores nothing.
MALFORMED_CALLBACKS = {
    "seq-text": {"SequenceNumber": "abc"},
    "seq-huge": {"SequenceNumber": str(2**40)},
    "seq-beyond-64-bit": {"SequenceNumber": str(2**70)},
    "seq-negative": {"SequenceNumber": "-1"},
    "seq-superscript": {"SequenceNumber": "²"},  # isdigit() says yes, int() says no
    "seq-arabic-digit": {"SequenceNumber": "٣"},  # int() reads it as 3
    "seq-underscore": {"SequenceNumber": "1_000"},  # int() reads it as 1000
    "seq-spaces": {"SequenceNumber": " 7 "},
    "seq-missing": {"SequenceNumber": None},
    "duration-beyond-64-bit": {"ParticipantDuration": str(2**64 + 1)},
    "duration-beyond-column": {"ParticipantDuration": str(2**31)},
    "duration-superscript": {"ParticipantDuration": "²"},
    "duration-fullwidth": {"ParticipantDuration": "１２"},
    "duration-negative": {"ParticipantDuration": "-30"},
    "duration-decimal": {"ParticipantDuration": "12.5"},
    "ts-text": {"Timestamp": "yesterday"},
    "ts-naive": {"Timestamp": "2026-06-02T08:00:00"},  # no zone
    "ts-empty": {"Timestamp": ""},
    "ts-missing": {"Timestamp": None},
    "ts-year-one": {"Timestamp": "0001-01-01T00:00:00+01:00"},  # overflows when made UTC
    "ts-year-9999": {"Timestamp": "9999-12-31T23:59:59-01:00"},
    "ts-far-future": {"Timestamp": "2999-01-01T00:00:00Z"},
    "ts-bad-offset": {"Timestamp": "2026-06-02T08:00:00+25:00"},
    "ts-huge": {"Timestamp": "2026-06-02T08:00:00Z" + "0" * 5000},
    "event-missing": {"StatusCallbackEvent": None},
    "room-missing": {"RoomName": None},
    "nul-room": {"RoomName": "room\x00name"},
    "nul-sid": {"ParticipantSid": "PA\x00"},
    "nul-identity": {"ParticipantIdentity": "client-\x00"},
    "long-sid": {"ParticipantSid": "PA" + "1" * 100},
    "long-room": {"RoomName": "r" * 500},
}


@pytest.mark.parametrize("changes", MALFORMED_CALLBACKS.values(), ids=MALFORMED_CALLBACKS.keys())
@pytest.mark.parametrize("kind", ["participant-connected", "participant-disconnected"])
def test_a_signed_but_malformed_callback_is_a_400(client, room, frozen, changes, kind):
    params = room_event(room, **{"StatusCallbackEvent": kind, **changes})
    params = {k: v for k, v in params.items() if v is not None}
    response = video_callback(client, params)
    assert response.status_code == 400, response.content
    assert not ParticipantEvent.objects.exists()


def test_a_signed_callback_with_a_plain_duration_is_stored(client, room, frozen):
    params = room_event(
        room, StatusCallbackEvent="participant-disconnected", ParticipantDuration="3000"
    )
    assert video_callback(client, params).json() == {"status": "stored"}
    event = ParticipantEvent.objects.get()
    assert (event.duration_seconds, event.sequence, event.role) == (3000, 1, "client")
    assert event.occurred_at == TUESDAY_10


def test_an_event_we_do_not_record_needs_only_its_name(client, room, frozen):
    response = video_callback(client, {"StatusCallbackEvent": "track-added"})
    assert (response.status_code, response.json()) == (200, {"status": "ignored"})


def test_signed_callbacks_for_other_rooms_or_events_change_nothing(client, room, frozen):
    assert video_callback(client, room_event(room, RoomName="not-ours")).status_code == 200
    assert video_callback(client, room_event(room, StatusCallbackEvent="x")).status_code == 200
    assert not ParticipantEvent.objects.exists()


def test_the_video_webhook_takes_post_only(client):
    assert client.get(reverse("video:twilio_webhook")).status_code == 405


# --- Twilio SMS ------------------------------------------------------------------------------

PHONE = "+4915123456789"
SMS_URL = "http://127.0.0.1:8000/webhooks/twilio/sms/"
SMS_TOKEN = "test-auth-token"


@pytest.fixture
def texting(settings):
    settings.TWILIO_AUTH_TOKEN = SMS_TOKEN
    settings.SITE_URL = "http://127.0.0.1:8000"
    from tests.factories import UserFactory

    person = UserFactory(phone=PHONE)
    Preferences.objects.create(user=person, sms_confirmed_phone=PHONE, sms_reminders=True)
    sent = Notification.objects.create(
        recipient=person,
        kind=Kind.REMINDER_1H,
        channel=Channel.SMS,
        key="k",
        status=Status.SENT,
        provider_id="SM42",
    )
    return person, sent


def sms_callback(client, params, *, token=SMS_TOKEN):
    return twilio_post(client, "notifications:twilio_sms", SMS_URL, params, token)


def opted_out_at(person):
    return Preferences.objects.get(user=person).sms_opted_out_at


def test_a_forged_stop_does_not_opt_anyone_out(client, texting):
    person, _sent = texting
    params = {"From": PHONE, "Body": "STOP", "MessageSid": "SM9"}
    assert sms_callback(client, params, token="guessed").status_code == 403
    assert client.post(reverse("notifications:twilio_sms"), params).status_code == 403
    assert opted_out_at(person) is None


def test_a_forged_failure_report_does_not_mark_the_message_failed(client, texting):
    _person, sent = texting
    params = {"MessageSid": "SM42", "MessageStatus": "undelivered", "ErrorCode": "21610"}
    assert sms_callback(client, params, token="guessed").status_code == 403
    sent.refresh_from_db()
    assert sent.status == Status.SENT


def test_a_replayed_stop_and_status_act_once(client, texting, frozen):
    person, sent = texting
    stop = {"From": PHONE, "Body": "Stop", "MessageSid": "SM9"}
    assert sms_callback(client, stop).status_code == 200
    first = opted_out_at(person)
    frozen.shift(timedelta(minutes=5))
    assert sms_callback(client, stop).status_code == 200
    assert opted_out_at(person) == first  # the first opt-out stands, not moved by the replay

    failed = {"MessageSid": "SM42", "MessageStatus": "undelivered", "ErrorCode": "30003"}
    assert sms_callback(client, failed).status_code == 204
    sent.refresh_from_db()
    reason = sent.reason
    assert sms_callback(client, failed).status_code == 204
    sent.refresh_from_db()
    assert sent.status == Status.FAILED and sent.reason == reason


@pytest.mark.parametrize(
    "params",
    [
        {"From": "+49\x00151", "Body": "STOP", "MessageSid": "SM9"},
        {"MessageSid": "SM\x00", "MessageStatus": "delivered"},
        {"MessageSid": "SM42", "MessageStatus": "exploded"},
        {"MessageSid": "SM-unknown", "MessageStatus": "failed"},
        {"From": PHONE, "Body": "x" * 100_000, "MessageSid": "SM9"},
    ],
    ids=["nul-from", "nul-sid", "unknown-status", "unknown-sid", "huge-body"],
)
def test_signed_but_odd_sms_callbacks_change_nothing(client, texting, params):
    person, sent = texting
    response = sms_callback(client, params)
    assert 200 <= response.status_code < 500, response.status_code
    sent.refresh_from_db()
    assert sent.status == Status.SENT and opted_out_at(person) is None


def test_the_sms_webhook_takes_post_only(client):
    assert client.get(reverse("notifications:twilio_sms")).status_code == 405
