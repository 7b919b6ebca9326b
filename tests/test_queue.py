"""Enqueueing (sofadoc/queue.py): on the real broker when it is up; when it is not, a request
loses at most BROKER_PUBLISH_TIMEOUT once, then nothing while the broker counts as down."""

import json
import socket
import time

import pytest
import redis
from django.conf import settings
from django.db import transaction

from coaching.notifications.tasks import deliver
from sofadoc import queue
from sofadoc.celery import app as celery_app
from sofadoc.queue import task_enqueue, task_enqueue_on_commit


@pytest.fixture(autouse=True)
def _fresh_broker_state():
    """Each test starts with no broker counted as down (the state is per process)."""
    queue._breakers.clear()
    yield
    queue._breakers.clear()


@pytest.fixture
def broker_at():
    original = celery_app.conf.broker_url

    def point(url):
        celery_app.conf.broker_url = url

    yield point
    celery_app.conf.broker_url = original


@pytest.fixture
def hung_port():
    """A port that accepts connections (the kernel's backlog) and never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        yield listener.getsockname()[1]


def _queued() -> list[dict]:
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    return [json.loads(m)["headers"] for m in broker.lrange("celery", 0, -1)]


def test_a_task_reaches_the_real_broker():
    before = len(_queued())
    assert task_enqueue(deliver, 424242) is True
    headers = _queued()
    assert len(headers) == before + 1
    assert any(
        h["task"] == "notifications.deliver" and h["argsrepr"] == "(424242,)" for h in headers
    )


# Not a transactional test: its flush would empty the content types under the serialized-rollback
# tests that run after it. Django's capture runs the callbacks where the commit would.
@pytest.mark.django_db
def test_on_commit_it_waits_for_the_commit(django_capture_on_commit_callbacks):
    before = len(_queued())
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            task_enqueue_on_commit(deliver, 434343)
        assert len(_queued()) == before
    assert len(callbacks) == 1
    assert len(_queued()) == before + 1


def test_a_refused_broker_costs_one_quick_attempt_then_none(broker_at, settings, caplog):
    settings.REDIS_RETRY_SECONDS = 60
    broker_at("redis://127.0.0.1:9/0")
    started = time.monotonic()
    assert task_enqueue(deliver, 1) is False
    assert time.monotonic() - started < 0.5
    started = time.monotonic()
    assert [task_enqueue(deliver, n) for n in range(20)] == [False] * 20
    assert time.monotonic() - started < 0.05  # not tried again while it counts as down
    outage_lines = [r for r in caplog.records if r.name == "sofadoc.outage"]
    assert len(outage_lines) == 1


def test_a_hung_broker_costs_at_most_the_publish_timeout(broker_at, hung_port, settings):
    settings.REDIS_RETRY_SECONDS = 60
    broker_at(f"redis://127.0.0.1:{hung_port}/0")
    started = time.monotonic()
    assert task_enqueue(deliver, 1) is False
    assert time.monotonic() - started < settings.BROKER_PUBLISH_TIMEOUT + 0.3
    started = time.monotonic()
    assert task_enqueue(deliver, 2) is False
    assert time.monotonic() - started < 0.05


def test_the_broker_is_tried_again_after_the_pause(broker_at, settings, caplog):
    caplog.set_level("INFO", logger="sofadoc.queue")
    settings.REDIS_RETRY_SECONDS = 0.2
    broker_at("redis://127.0.0.1:9/0")
    assert task_enqueue(deliver, 1) is False
    broker_at(settings.CELERY_BROKER_URL)
    assert task_enqueue(deliver, 2) is True  # another URL: its own state
    broker_at("redis://127.0.0.1:9/0")
    assert task_enqueue(deliver, 3) is False  # skipped: counts as down
    time.sleep(0.25)
    assert task_enqueue(deliver, 4) is False  # tried again, and refused
    attempts = [r.getMessage() for r in caplog.records if r.name == "sofadoc.queue"]
    assert [m.split(" ")[0] for m in attempts] == [
        "notifications.deliver(1,)",
        "notifications.deliver(3,)",
        "notifications.deliver(4,)",
    ]
    assert "OperationalError" in attempts[0] and "OperationalError" in attempts[2]
    assert "broker down" in attempts[1]


@pytest.fixture
def eager():
    """As the browser tests run tasks (tests/e2e/conftest.py: celery_eager)."""
    before = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = before


@pytest.mark.django_db
def test_in_eager_mode_the_task_runs_here_and_its_errors_surface(eager):
    from coaching.notifications.models import Channel, Kind, Status
    from coaching.notifications.queueing import notification_queue
    from tests.factories import UserFactory

    rows = notification_queue(recipient=UserFactory(language="en"), kind=Kind.WELCOME)
    email = next(r for r in rows if r.channel == Channel.EMAIL)
    assert task_enqueue(deliver, email.pk) is True
    email.refresh_from_db()
    assert email.status == Status.SENT

    with pytest.raises(TypeError):
        task_enqueue(deliver, "not", "a", "primary key")  # the task's own error, not swallowed
    assert queue._breakers == {}  # and no broker counted as down


def test_a_task_that_cannot_be_sent_is_logged_and_the_broker_not_counted_as_down(caplog):
    assert task_enqueue(deliver, object()) is False  # not JSON: a bug, not an outage
    assert "not enqueued" in caplog.text
    assert not queue._breakers[settings.CELERY_BROKER_URL].is_open()
    assert task_enqueue(deliver, 454545) is True
