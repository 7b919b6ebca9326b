"""Redis down while a client books and pays: the booking goes through, the messages follow.

Redis is the cache and the broker. Here both point at a port where nothing listens while the
client holds a slot, pays at PayPal (faked at HTTP level) and comes back; the confirmation is
then only a row in PostgreSQL. When Redis is back, the minute scan delivers it. Transactional,
so the enqueue after commit really runs (and really fails).
"""

from contextlib import contextmanager

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from redis.exceptions import ConnectionError as RedisConnectionError

from coaching.bookings.models import Booking, BookingState
from coaching.notifications.models import Kind, Notification, Status
from coaching.notifications.tasks import send_due_reminders
from sofadoc.celery import app as celery_app
from tests.bookings.fixtures import TUESDAY_10

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NOBODY = "redis://127.0.0.1:9/0"  # the discard port: connections are refused at once


def _point_celery_at(url: str) -> None:
    celery_app.conf.broker_url = url
    celery_app.pool.force_close_all()
    celery_app._pool = None


@contextmanager
def redis_down():
    broker = celery_app.conf.broker_url
    _point_celery_at(NOBODY)
    try:
        with override_settings(
            CACHES={"default": {**settings.CACHES["default"], "LOCATION": NOBODY}}
        ):
            yield
    finally:
        _point_celery_at(broker)


def test_a_booking_made_while_redis_is_down_is_confirmed_and_the_scan_sends_its_messages(
    client, client_user, session_type, paypal, frozen
):
    confirmations = Notification.objects.filter(kind=Kind.BOOKING_CONFIRMED)
    with redis_down():
        with pytest.raises(RedisConnectionError):
            cache.get("anything")  # really down, not merely unused
        client.force_login(client_user)
        held = client.post(
            reverse("bookings:start", args=[session_type.practice.slug, session_type.pk]),
            {"start": f"{TUESDAY_10:%Y-%m-%dT%H:%M:%SZ}", "price": "80.00"},
        )
        assert held.status_code == 302 and "paypal.com" in held.url
        booking = Booking.objects.get()
        order_id = booking.payments.get().order_id
        paypal.approve(order_id)

        back = client.get(
            reverse("bookings:paypal_return", args=[booking.reference]), {"token": order_id}
        )

        assert back.status_code == 302
        booking.refresh_from_db()
        assert booking.state == BookingState.CONFIRMED
        page = client.get(reverse("bookings:detail", args=[booking.reference]))
        assert page.status_code == 200  # the booking page works without its cache too
        assert confirmations.count() == 4  # client and coach, e-mail and inbox
        assert set(confirmations.values_list("status", flat=True)) == {Status.QUEUED}
        assert mail.outbox == []

    send_due_reminders.apply()  # Redis is back; the next minute's scan

    assert set(confirmations.values_list("status", flat=True)) == {Status.SENT}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [client_user.email, session_type.practice.owner.email]
    )
    # Each in their own language: the client English, the coach German (the default).
    assert {m.subject for m in mail.outbox} == {
        "Booked: your session with Anna Coach on 06/02/2026 10 a.m.",
        "Neue Buchung: Jonas Client am 02.06.2026 10:00",
    }
