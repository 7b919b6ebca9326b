"""The site in gunicorn, on the private PostgreSQL and Redis (tests/faults/services.py).

Used by the fault suite (tests/faults/conftest.py) and by bench.faults: migrate and seed a
database, start gunicorn with deploy/gunicorn.conf.py, stop it (and its workers) however the
block ends.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SECRET_KEY = "faults-only-secret-key-never-used-anywhere-else-0123456789abcdef"


def site_environment(
    *, database_url: str, redis_url: str, port: int, settings_module: str, **extra: str
) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings_module,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_ACCESS_LOG": "/dev/null",  # errors still reach the log
        "PYTHONPATH": str(ROOT),
        # The load clients name their address in X-Forwarded-For (tests/faults/load.py).
        "ALLAUTH_TRUSTED_PROXY_COUNT": "1",
        **extra,
    }
    env.pop("CELERY_BROKER_URL", None)  # the broker is the private Redis too
    return env


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


def prepare_database(env: dict[str, str], **sizes: int) -> dict:
    """Migrate the (empty) database and seed it; returns what tests.faults.seed printed."""
    manage(env, "migrate", "--no-input", "-v", "0")
    options = [f"--{name}={value}" for name, value in sizes.items()]
    result = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "tests.faults.seed", *options],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout)


def answers(url: str, timeout: float = 2) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - loopback
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


@contextmanager
def gunicorn(
    env: dict[str, str], *, port: int, log_path: Path, workers: int | None = None
) -> Iterator[subprocess.Popen]:
    """gunicorn as production runs it, with `env`; yields once it answers HTTP on `port` (any
    status: the site may redirect plain http), and stops its whole process group after."""
    command = [
        *[sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"],
        # Its own control socket: the default ($HOME/.gunicorn/gunicorn.ctl) is shared with any
        # other gunicorn on the machine.
        *["--control-socket", str(log_path.with_suffix(".ctl"))],
        "sofadoc.wsgi",
    ]
    with open(log_path, "w") as log:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            command,
            cwd=ROOT,
            env={**env, "WEB_CONCURRENCY": str(workers)} if workers else env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own group: stopped as a whole
        )
        try:
            deadline = time.monotonic() + 60
            while answers(f"http://127.0.0.1:{port}/healthz") is None:
                if process.poll() is not None:
                    raise RuntimeError(f"gunicorn exited with {process.returncode}: {log_path}")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not answer within 60 s: {log_path}")
                time.sleep(0.2)
            yield process
        finally:
            if process.poll() is None:
                with suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(30)
                except subprocess.TimeoutExpired:
                    with suppress(ProcessLookupError):
                        os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
