"""The fault suite's own PostgreSQL and Redis, and the site in gunicorn on them.

Started once per test session, on free ports, and removed afterwards; the shared servers on
5432/6379 are never touched. See tests/faults/services.py.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest

from tests.faults.services import PrivatePostgres, PrivateRedis, free_port
from tests.faults.site import gunicorn, prepare_database, site_environment


@dataclass
class Site:
    base: str
    env: dict[str, str]
    database_url: str
    data: dict
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take_slots(self, n: int) -> list[list]:
        """Slots no other test has used (the tests share one database)."""
        with self.lock:
            taken, self.data["slots"] = self.data["slots"][:n], self.data["slots"][n:]
        return taken

    def sql(self, query: str, params=()) -> list[tuple]:
        with psycopg.connect(self.database_url, connect_timeout=3) as connection:
            return connection.execute(query, params).fetchall()


@pytest.fixture(scope="session")
def private_redis():
    with PrivateRedis() as redis:
        yield redis


@pytest.fixture(scope="session")
def private_postgres():
    with PrivatePostgres() as postgres:
        yield postgres


@pytest.fixture(scope="session")
def site(private_postgres, private_redis, tmp_path_factory):
    port = free_port()
    database_url = private_postgres.create_database("faults_site")
    env = site_environment(
        database_url=database_url,
        redis_url=private_redis.url(),
        port=port,
        settings_module="tests.faults.site_settings",
        # Redis is tried again half a second after a failure, so the tests need not wait long.
        REDIS_RETRY_SECONDS="0.5",
        # Sync workers each hold at most one connection; two leave room for the health check.
        DATABASE_POOL_MAX="2",
    )
    data = prepare_database(env, practices=8, clients=8, days=21)
    log = Path(tmp_path_factory.mktemp("gunicorn")) / "gunicorn.log"
    with gunicorn(env, port=port, log_path=log, workers=3):
        yield Site(f"http://127.0.0.1:{port}", env, database_url, data)
