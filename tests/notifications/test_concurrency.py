"""Exactly once under concurrency, on a real PostgreSQL, and a broker outage loses nothing.

Transactional tests: each scan thread has its own connection and really commits, as two beat
runs or two workers would in production.
"""

import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection

from coaching.notifications.models import Channel, Kind, Notification, Status
from coaching.notifications.queueing import notification_queue
from coaching.notifications.tasks import send_due_reminders
from sofadoc.celery import app as celery_app
from tests.factories import BookingFactory, PracticeFactory, SessionTypeFactory, UserFactory

# serialized_rollback: the reference data (and content types) come back as they were, so a
# later test that restores its own snapshot finds no rows recreated under other ids.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

START = datetime(2026, 6, 10, 8, tzinfo=UTC)
BOOKINGS = 20


def test_two_concurrent_scans_send_each_reminder_once():
    with time_machine.travel(START - timedelta(days=5), tick=False):
        for i in range(BOOKINGS):
            offer = SessionTypeFactory(practice=PracticeFactory())
            BookingFactory(
                session_type=offer, client=UserFactory(), start=START + timedelta(minutes=i)
            )
    barrier = threading.Barrier(2)
    errors = []

    def scan():
        try:
            barrier.wait(timeout=30)
            send_due_reminders.apply(throw=True)
        except Exception as error:
            errors.append(repr(error))
        finally:
            connection.close()

    with time_machine.travel(START - timedelta(minutes=30), tick=True):
        threads = [threading.Thread(target=scan) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)

    assert errors == []
    # 20 bookings x (client + coach); each e-mail once, every row sent.
    emails = Notification.objects.filter(kind=Kind.REMINDER_1H, channel=Channel.EMAIL)
    assert emails.count() == BOOKINGS * 2
    assert set(emails.values_list("status", flat=True)) == {Status.SENT}
    assert len(mail.outbox) == BOOKINGS * 2
    assert len({(m.to[0], m.body) for m in mail.outbox}) == BOOKINGS * 2


@pytest.fixture
def broker_down():
    """Point Celery at a port where no Redis listens, as in an outage."""
    url = celery_app.conf.broker_url
    celery_app.conf.broker_url = "redis://127.0.0.1:9/0"
    celery_app.pool.force_close_all()
    celery_app._pool = None
    yield
    celery_app.conf.broker_url = url
    celery_app.pool.force_close_all()
    celery_app._pool = None


def test_a_broker_outage_does_not_break_queueing_and_the_scan_catches_up(broker_down):
    user = UserFactory(language="en")
    rows = notification_queue(recipient=user, kind=Kind.WELCOME)  # commits; enqueue fails

    assert {r.channel for r in rows} == {Channel.INBOX, Channel.EMAIL}
    assert set(Notification.objects.values_list("status", flat=True)) == {Status.QUEUED}
    send_due_reminders.apply()
    assert set(Notification.objects.values_list("status", flat=True)) == {Status.SENT}
    assert [m.subject for m in mail.outbox] == ["Welcome to SofaDoc"]


def test_a_row_held_by_another_worker_is_skipped_not_waited_for_or_doubled():
    from django.db import transaction

    from coaching.notifications.tasks import deliver

    user = UserFactory(language="en")
    rows = notification_queue(recipient=user, kind=Kind.WELCOME)
    email = next(r for r in rows if r.channel == Channel.EMAIL)
    locked, release = threading.Event(), threading.Event()

    def other_worker():
        try:
            with transaction.atomic():
                Notification.objects.select_for_update().get(pk=email.pk)
                locked.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    thread = threading.Thread(target=other_worker)
    thread.start()
    assert locked.wait(timeout=30)
    assert deliver.apply(args=[email.pk]).get() is None  # skipped at once, not blocked
    release.set()
    thread.join(timeout=30)

    assert Notification.objects.get(pk=email.pk).status == Status.QUEUED
    assert deliver.apply(args=[email.pk]).get() == Status.SENT
    assert deliver.apply(args=[email.pk]).get() is None
    assert len(mail.outbox) == 1
