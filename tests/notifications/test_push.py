"""Web push: switched on per device, sent for reminders and new messages with VAPID through
pywebpush (faked at the HTTP level), refused for forged endpoints, removed when gone."""

import base64
import json
import os

import pytest
import responses
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.urls import reverse

from coaching.notifications.management.commands.webpush_keys import vapid_key_pair
from coaching.notifications.models import Kind, PushSubscription, Status
from coaching.notifications.tasks import deliver
from tests.factories import NotificationFactory, UserFactory

pytestmark = pytest.mark.django_db

ENDPOINT = "https://updates.push.services.mozilla.com/wpush/v2/gAAAAABdevice1"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def browser_keys() -> dict:
    """What a browser's PushSubscription.toJSON() carries: its ECDH public key and auth secret."""
    key = ec.generate_private_key(ec.SECP256R1())
    point = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return {"p256dh": _b64(point), "auth": _b64(os.urandom(16))}


@pytest.fixture(autouse=True)
def vapid(settings):
    settings.WEBPUSH_VAPID_PUBLIC_KEY, settings.WEBPUSH_VAPID_PRIVATE_KEY = vapid_key_pair()
    settings.WEBPUSH_CONTACT = "push@sofadoc.example"


def _subscribe(client, endpoint=ENDPOINT, keys=None):
    return client.post(
        reverse("notifications:push_subscribe"),
        json.dumps({"endpoint": endpoint, "keys": keys or browser_keys()}),
        content_type="application/json",
    )


def test_a_device_is_switched_on_and_shown_in_the_settings(client):
    user = UserFactory()
    client.force_login(user)
    response = _subscribe(client)
    assert response.status_code == 201
    device = PushSubscription.objects.get(user=user)
    assert device.service == "Mozilla (Firefox)" and device.reminders and device.messages
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert 'id="push-devices"' in page and "Mozilla (Firefox)" in page
    assert "js/push.js" in page
    assert client.get("/sw.js")["Content-Type"].startswith("text/javascript")


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://updates.push.services.mozilla.com/wpush/v2/x",
        "https://127.0.0.1/wpush",
        "https://evil.example/fcm.googleapis.com/x",
        "https://fcm.googleapis.com.evil.example/x",
        "https://user@fcm.googleapis.com/x",
        "",
    ],
)
def test_a_forged_endpoint_is_refused_with_a_clear_400(client, endpoint):
    client.force_login(UserFactory())
    response = _subscribe(client, endpoint=endpoint)
    assert response.status_code == 400 and response.json()["error"]
    assert not PushSubscription.objects.exists()


def test_malformed_keys_and_bodies_are_a_400(client):
    client.force_login(UserFactory())
    assert _subscribe(client, keys={"p256dh": "abc", "auth": "%%"}).status_code == 400
    bad = client.post(
        reverse("notifications:push_subscribe"), "[1", content_type="application/json"
    )
    assert bad.status_code == 400
    assert not PushSubscription.objects.exists()


def test_another_persons_device_cannot_be_changed(client):
    owner = UserFactory()
    device = PushSubscription.objects.create(
        user=owner, endpoint=ENDPOINT, service="x", **browser_keys()
    )
    client.force_login(UserFactory())
    url = reverse("notifications:push_device", args=[device.pk])
    assert client.post(url, {"remove": "1"}).status_code == 404
    assert PushSubscription.objects.filter(pk=device.pk).exists()


def _inbox(user, kind):
    """A queued inbox row, not yet written (delivery fills subject and body)."""
    return NotificationFactory(
        recipient=user, kind=kind, key=kind, status=Status.QUEUED, subject="", body=""
    )


def test_a_new_message_is_pushed_with_vapid_and_encrypted(settings):
    user = UserFactory()
    PushSubscription.objects.create(user=user, endpoint=ENDPOINT, service="x", **browser_keys())
    row = _inbox(user, Kind.WELCOME)
    with responses.RequestsMock() as mock:
        mock.post(ENDPOINT, status=201)
        deliver.apply(args=[row.pk])
        (call,) = mock.calls
    headers = call.request.headers
    assert headers["Content-Encoding"] == "aes128gcm" and headers["TTL"] == "14400"
    assert headers["Authorization"].startswith("vapid t=")
    assert headers["Authorization"].endswith(",k=" + settings.WEBPUSH_VAPID_PUBLIC_KEY)
    row.refresh_from_db()
    assert row.subject and row.subject.encode() not in call.request.body  # encrypted
    assert PushSubscription.objects.get().last_sent_at is not None


def test_reminders_go_only_to_devices_that_want_them_and_gone_devices_are_removed():
    user = UserFactory()
    quiet = PushSubscription.objects.create(
        user=user, endpoint=ENDPOINT + "quiet", service="x", reminders=False, **browser_keys()
    )
    gone = PushSubscription.objects.create(
        user=user, endpoint=ENDPOINT + "gone", service="x", **browser_keys()
    )
    row = _inbox(user, Kind.REMINDER_24H)
    with responses.RequestsMock() as mock:
        mock.post(gone.endpoint, status=410)
        deliver.apply(args=[row.pk])
        assert [c.request.url for c in mock.calls] == [gone.endpoint]
    assert list(PushSubscription.objects.all()) == [quiet]
    row.refresh_from_db()
    assert row.status == "sent"  # the inbox copy is there whatever the push service says


def test_a_push_service_that_is_down_does_not_fail_the_message():
    user = UserFactory()
    PushSubscription.objects.create(user=user, endpoint=ENDPOINT, service="x", **browser_keys())
    row = _inbox(user, Kind.WELCOME)
    with responses.RequestsMock() as mock:
        mock.post(ENDPOINT, status=503)
        deliver.apply(args=[row.pk])
    row.refresh_from_db()
    assert row.status == "sent" and PushSubscription.objects.exists()
