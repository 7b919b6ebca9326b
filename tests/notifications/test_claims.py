"""Claims: a worker that stops mid-chunk leaves its messages to the next scan after the lease,
never to two workers at once; a slow mail server makes a worker hand back what it has not sent."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from coaching.notifications.delivery import _claim
from coaching.notifications.models import MAX_ATTEMPTS, Channel, Kind, Notification, Status
from coaching.notifications.queueing import notification_queue
from coaching.notifications.tasks import deliver, send_due_reminders
from tests.factories import UserFactory

# serialized_rollback: the reference data (and content types) come back as they were, so a
# later test that restores its own snapshot finds no rows recreated under other ids.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NOW = datetime(2026, 6, 1, 8, tzinfo=UTC)


@pytest.fixture
def queued():
    with time_machine.travel(NOW - timedelta(minutes=5), tick=False):
        return [
            row
            for user in UserFactory.create_batch(3, language="en")
            for row in notification_queue(recipient=user, kind=Kind.WELCOME)
        ]


def statuses():
    return set(Notification.objects.values_list("status", flat=True))


def test_a_stopped_workers_claim_is_taken_again_only_after_the_lease(queued, settings):
    settings.NOTIFICATIONS_CLAIM_SECONDS = 120
    with time_machine.travel(NOW, tick=False):
        claimed = _claim(limit=100, now=NOW)  # ... and then the worker is killed
    assert sorted(claimed) == sorted(row.pk for row in queued)
    assert statuses() == {Status.SENDING}

    with time_machine.travel(NOW + timedelta(seconds=119), tick=False):
        assert send_due_reminders.apply().get() == 0
        assert deliver.apply(args=[queued[0].pk]).get() is None
    assert statuses() == {Status.SENDING} and mail.outbox == []

    with time_machine.travel(NOW + timedelta(seconds=121), tick=False):
        assert send_due_reminders.apply().get() == len(queued)
    assert statuses() == {Status.SENT}
    assert set(Notification.objects.values_list("attempts", flat=True)) == {2}
    assert len(mail.outbox) == 3  # one welcome mail each (and an inbox copy)


def test_a_message_that_keeps_stopping_its_worker_is_given_up_and_shown_as_failed(queued):
    row = next(r for r in queued if r.channel == Channel.EMAIL)
    for attempt in range(MAX_ATTEMPTS):
        moment = NOW + timedelta(hours=attempt)
        with time_machine.travel(moment, tick=False):
            assert _claim(limit=1, now=moment, notification_id=row.pk) == [row.pk]
    with time_machine.travel(NOW + timedelta(hours=MAX_ATTEMPTS), tick=False):
        send_due_reminders.apply()
    row.refresh_from_db()
    assert (row.status, row.reason) == (Status.FAILED, "worker stopped while sending")
    # The other two people's welcome mails went out; this one never did.
    assert len(mail.outbox) == 2
    assert row.recipient.email not in {m.to[0] for m in mail.outbox}


def test_a_slow_mail_server_makes_the_worker_hand_back_the_rest_of_its_chunk(queued, settings):
    # A lease of zero: every message after the first in a chunk is past half of it.
    settings.NOTIFICATIONS_CLAIM_SECONDS = 0
    assert send_due_reminders.apply().get() == len(queued)

    assert statuses() == {Status.SENT}
    # Handed back unsent, a message's claim does not count as an attempt.
    assert set(Notification.objects.values_list("attempts", flat=True)) == {1}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        r.recipient.email for r in queued if r.channel == Channel.EMAIL
    )
