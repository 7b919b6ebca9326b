import socket
from urllib.parse import urlsplit

import pytest
import redis
from django.conf import settings
from django.core.cache import cache

# Shared fixtures for bookings and what builds on them (video, notifications, privacy).
pytest_plugins = ["tests.bookings.fixtures"]

START_HINTS = {
    "PostgreSQL": "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start",
    "Redis": (
        'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" '
        "--appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log"
    ),
}


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def pytest_configure(config):
    """Fail loudly, with the command to start it, when a service the suite needs is down."""
    db = settings.DATABASES["default"]
    redis = urlsplit(settings.REDIS_URL)
    services = {
        "PostgreSQL": (db.get("HOST") or "127.0.0.1", int(db.get("PORT") or 5432)),
        "Redis": (redis.hostname or "127.0.0.1", redis.port or 6379),
    }
    down = [name for name, address in services.items() if not _reachable(*address)]
    if down:
        lines = [
            f"{name} is not reachable at {services[name][0]}:{services[name][1]}. "
            f"Start it with:\n    {START_HINTS[name]}"
            for name in down
        ]
        pytest.exit("\n".join(lines), returncode=3)


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate-limit counters and cached values must not leak from one test into the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    """Data exports go to a folder of the test's own (the privacy tests and the browser journeys
    both build them)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    return tmp_path / "private"


@pytest.fixture
def staff_client(client):
    """Signed in as staff with two-factor authentication, as the admin requires."""
    from tests.factories import StaffFactory

    client.force_login(StaffFactory(two_factors=True))
    return client


@pytest.fixture
def commands(monkeypatch):
    """The commands sent to Redis from here on, as (name, [arguments as text]): round trips."""
    sent = []
    original = redis.Redis.execute_command

    def counted(self, *args, **kwargs):
        sent.append((str(args[0]), [str(arg) for arg in args[1:]]))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(redis.Redis, "execute_command", counted)
    return sent
