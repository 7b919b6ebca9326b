"""Handing a task to the workers, never making a request wait on the broker.

Every enqueue in the project goes through `task_enqueue` (or `task_enqueue_on_commit`). Each
task sent this way works on a row that is already committed (a notification, an export, an
erasure, a support request) and a periodic scan finds rows whose task never came, so a
message lost to a broker outage is late, not gone. Hence one attempt, no retry:
- connect and publish each time out after BROKER_PUBLISH_TIMEOUT seconds (0.5);
- after a failure the broker counts as down for REDIS_RETRY_SECONDS in this process
  (sofadoc/outage.py), and enqueues in that time return at once;
- a failure is logged (the outage once, each skipped task at info level) and returns False;
  it never raises into the request or the task that enqueued.
Celery's own `delay()` instead waits for the connection (about 6 s when Redis refuses it with
retry=False, because kombu then retries the connect until its connect timeout).
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from typing import Any

from celery import Task
from django.conf import settings
from django.db import transaction
from kombu.exceptions import OperationalError

from sofadoc.celery import app as celery_app
from sofadoc.outage import Breaker

logger = logging.getLogger(__name__)

_breakers: dict[str, Breaker] = {}
# One publishing connection per thread and broker URL: kombu connections are not thread-safe,
# and connecting afresh for every message would cost a round trip or two each time.
_connections = threading.local()


def task_enqueue(task: Task | str, *args: Any) -> bool:
    """Send `task(*args)` to the workers now; False (logged) when the broker is unreachable.

    `task` may be the task's registered name ("notifications.deliver"): a service enqueues by
    name so that it need not import its app's tasks module, which imports the services."""
    task = _task(task)
    app = task.app
    if app.conf.task_always_eager:
        # Run here and now (browser tests): no broker involved, and the task's own errors must
        # surface rather than pass for a broker outage.
        task.apply_async(args=args)
        return True
    url = app.conf.broker_url
    breaker = _breakers.get(url)
    if breaker is None:
        breaker = _breakers.setdefault(url, Breaker("broker", pause=settings.REDIS_RETRY_SECONDS))
    if breaker.is_open():
        logger.info("%s%r not enqueued: broker down; its scan will run it", task.name, args)
        return False
    try:
        task.apply_async(args=args, connection=_connection(app, url), retry=False)
    except (OperationalError, OSError) as error:  # kombu wraps connection errors and timeouts
        _drop_connection(url)
        breaker.failed(error)
        logger.info("%s%r not enqueued: %r; its scan will run it", task.name, args, error)
        return False
    except Exception:
        # Not the broker (arguments that do not serialise, say): a bug to see in the log, but
        # the request that committed the row must not fail for it; the scan still has the row.
        logger.exception("%s%r not enqueued", task.name, args)
        return False
    breaker.succeeded()
    return True


def _task(task: Task | str) -> Task:
    if not isinstance(task, str):
        return task
    if task not in celery_app.tasks:
        # The web process imports the apps' tasks modules only when first asked.
        celery_app.loader.import_default_modules()
    return celery_app.tasks[task]


def task_enqueue_on_commit(task: Task | str, *args: Any) -> None:
    """`task_enqueue` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: task_enqueue(task, *args))


def _connection(app, url: str):
    pool = _connections.__dict__.setdefault("by_url", {})
    key = (os.getpid(), url)  # never a connection inherited through a fork
    connection = pool.get(key)
    if connection is None:
        timeout = settings.BROKER_PUBLISH_TIMEOUT
        options = dict(app.conf.broker_transport_options or {})
        if not url.startswith("filesystem://"):
            # max_retries=0: kombu would otherwise retry the connect until connect_timeout.
            options.update(socket_connect_timeout=timeout, socket_timeout=timeout, max_retries=0)
        connection = pool[key] = app.connection_for_write(
            url, connect_timeout=timeout, transport_options=options
        )
    return connection


def _drop_connection(url: str) -> None:
    connection = _connections.__dict__.get("by_url", {}).pop((os.getpid(), url), None)
    if connection is not None:
        # It is broken already; a new one is made next time.
        with contextlib.suppress(Exception):
            connection.close()
