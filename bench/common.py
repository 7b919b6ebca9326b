"""Shared set-up for benchmarks: a dedicated PostgreSQL database and a small timing helper.

Run a benchmark as a module from the repository root, e.g. `.venv/bin/python -m bench.directory`.
"""

from __future__ import annotations

import itertools
import os
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

BENCH_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/sofadoc_bench"


def setup_django(*, database: bool = True) -> None:
    # The test settings: production middleware and DEBUG off, but static files served from the
    # app folders, so no collectstatic is needed; a database of its own keeps tests apart.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    os.environ.setdefault("DATABASE_URL", BENCH_DATABASE_URL)
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost")
    import django

    if database:
        _create_database_if_missing(os.environ["DATABASE_URL"])
    django.setup()
    if database:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)


def _create_database_if_missing(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def measure(fn: Callable[[], object], *, repeat: int = 50, warmup: int = 5) -> dict[str, float]:
    """Wall-clock milliseconds over `repeat` runs after `warmup` untimed ones."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {
        "median_ms": statistics.median(samples),
        "p95_ms": samples[int(len(samples) * 0.95) - 1],
        "min_ms": samples[0],
    }


def fresh_address(path: str) -> Callable[[], str]:
    """`path` with a query parameter never used before on each call: the page is computed, not
    served from the cache that keeps it for the next visitor (sofadoc.pagecache)."""
    calls = itertools.count()
    run = time.time_ns()  # kept answers outlive the process: a new run asks new addresses
    separator = "&" if "?" in path else "?"
    return lambda: f"{path}{separator}bench-run={run}-{next(calls)}"


def report(title: str, figures: dict[str, float | int], target: str) -> None:
    print(f"\n{title}")
    for name, value in figures.items():
        print(f"  {name:<14} {value:.2f}" if isinstance(value, float) else f"  {name:<14} {value}")
    print(f"  target         {target}")


@contextmanager
def count_queries() -> Iterator[list[str]]:
    """Collect the SQL statements sent on the default connection inside the block."""
    from django.db import connection

    statements: list[str] = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield statements


def session_cookie(user) -> str:
    """A signed-in session for `user` in the configured store: the cookie a browser sends. The
    server checks it with its own secret key, which must be this process's."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
