"""GET /healthz: is the database, the cache and the broker reachable?

Each check runs in its own thread under one deadline, so a Redis that does not answer turns
into "timeout" within the deadline instead of hanging the probe. Each check is also bounded on
its own (Redis calls by REDIS_TIMEOUT, the broker's connect by BROKER_PUBLISH_TIMEOUT with no
retry), so its thread is free again by the deadline: under load, probes that pile up behind
stuck checks would otherwise report "timeout" for a service that is fine.
"""

import concurrent.futures
import logging
import uuid

import kombu
from django.conf import settings
from django.core.cache import caches
from django.db import connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)

# The whole answer within a second (the README's promise), the load balancer's usual timeout.
DEADLINE_SECONDS = 0.8
_executor = concurrent.futures.ThreadPoolExecutor(max_workers=6, thread_name_prefix="healthz")


def check_database() -> None:
    connection = connections["default"]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    finally:
        connection.close()


def check_cache() -> None:
    cache = caches["default"]
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=5)
    if cache.get(key) != "1":
        raise RuntimeError("cache did not return what was stored")
    cache.delete(key)


def check_broker() -> None:
    timeout = min(settings.BROKER_PUBLISH_TIMEOUT, DEADLINE_SECONDS)
    options = dict(settings.CELERY_BROKER_TRANSPORT_OPTIONS)
    if not settings.CELERY_BROKER_URL.startswith("filesystem://"):
        options.update(socket_connect_timeout=timeout, socket_timeout=timeout)
    with kombu.Connection(
        settings.CELERY_BROKER_URL, transport_options=options, connect_timeout=timeout
    ) as connection:
        connection.ensure_connection(max_retries=0, timeout=timeout)


CHECKS = {"database": check_database, "cache": check_cache, "broker": check_broker}


@never_cache
@require_GET
def healthz(request):
    futures = {name: _executor.submit(check) for name, check in CHECKS.items()}
    done, _pending = concurrent.futures.wait(futures.values(), timeout=DEADLINE_SECONDS)
    state = {}
    for name, future in futures.items():
        if future not in done:
            state[name] = "timeout"
        elif future.exception() is not None:
            logger.warning("health check failed", extra={"event": f"healthz.{name}"})
            state[name] = "error"
        else:
            state[name] = "ok"
    healthy = all(value == "ok" for value in state.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **state}, status=200 if healthy else 503
    )
