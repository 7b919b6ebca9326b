import socket
import time

import pytest
from django.urls import reverse

# Transactional (the health check opens its own connection), with the content types restored
# afterwards so the serialized-rollback tests that follow still find them.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

CLOSED = "redis://127.0.0.1:1/0"


def test_healthz_reports_every_service_ok(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok", "broker": "ok"}


@pytest.fixture
def hung_redis():
    """A port that accepts connections (the kernel's backlog) and never answers: a Redis that
    hangs, the slow way to be down."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0"


@pytest.mark.parametrize("down", ["refusing", "hanging"])
def test_healthz_names_redis_as_down_within_a_second(client, settings, hung_redis, down):
    url = CLOSED if down == "refusing" else hung_redis
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": url}}
    settings.CELERY_BROKER_URL = url
    for _ in range(3):  # again and again, as a load balancer probes: never slower
        started = time.monotonic()
        response = client.get(reverse("healthz"))
        elapsed = time.monotonic() - started
        assert response.status_code == 503
        body = response.json()
        assert body["database"] == "ok"
        assert body["cache"] != "ok"
        assert body["broker"] != "ok"
        assert elapsed < 1.0
