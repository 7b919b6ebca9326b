"""A PostgreSQL and a Redis of their own, on free ports, for the fault suite and bench.faults.

The faults are real: Redis is stopped (its process ends), PostgreSQL is restarted (pg_ctl), so
they must never be the shared servers on 5432/6379 that other tests and developers use. Each
server here lives in a temporary directory and is removed with it.

    with PrivatePostgres() as pg, PrivateRedis() as redis:
        url = pg.create_database("site")
        ...
        redis.stop(); ...; redis.start()      # the same port again
        pg.restart()

Needs Debian's PostgreSQL server (initdb and pg_ctl under /usr/lib/postgresql/<version>/bin)
and redis-server (scripts/ensure-system-packages.sh installs both). PostgreSQL refuses to run as
root: when the suite runs as root, the server runs as the `postgres` OS user.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def postgres_bin(name: str) -> str:
    """The newest installed PostgreSQL's program `name` (initdb, pg_ctl)."""
    versions = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0,
    )
    if not versions:
        raise RuntimeError(f"PostgreSQL's {name} not found: apt-get install postgresql")
    return str(versions[-1])


def accepts_connections(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


class PrivatePostgres:
    """A throw-away PostgreSQL cluster: trust authentication, no fsync, loopback only."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.root = Path(tempfile.mkdtemp(prefix="sofadoc-faults-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "postgres.log"
        self._as_postgres = os.geteuid() == 0
        if self._as_postgres:
            user = pwd.getpwnam("postgres")
            os.chown(self.root, user.pw_uid, user.pw_gid)

    def _run(self, *command: str, timeout: float = 60) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if self._as_postgres else []
        subprocess.run(  # noqa: S603 - PostgreSQL's own programs with our arguments
            [*prefix, *command],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=timeout,
        )

    def init(self) -> PrivatePostgres:
        self._run(
            postgres_bin("initdb"),
            *["-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8"],
            *["--locale=C.UTF-8", "--no-sync"],
        )
        return self

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self._run(
            postgres_bin("pg_ctl"),
            *["-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start"],
        )

    def stop(self, mode: str = "fast") -> None:
        """`fast` ends every session ("terminating connection due to administrator command")."""
        self._run(postgres_bin("pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def restart(self) -> None:
        self.stop()
        self.start()

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str, *, template: str | None = None) -> str:
        sql = f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")
        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(sql)
        return self.url(name)

    def close(self) -> None:
        if self.running():
            with contextlib.suppress(subprocess.SubprocessError, OSError):
                self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> PrivatePostgres:
        self.init()
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class PrivateRedis:
    """redis-server as a child process: nothing saved to disk, stopped by ending the process."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.root = Path(tempfile.mkdtemp(prefix="sofadoc-faults-redis-"))
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [
            shutil.which("redis-server") or "redis-server",
            *["--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            *["--daemonize", "no", "--dir", str(self.root), "--logfile", str(self.root / "log")],
        ]
        self.process = subprocess.Popen(command)  # noqa: S603 - redis-server, our arguments
        deadline = time.monotonic() + 10
        while not accepts_connections("127.0.0.1", self.port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start on port {self.port}")
            time.sleep(0.02)

    def stop(self) -> None:
        """As in an outage: the server is gone, its port refuses connections."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        self.process = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> PrivateRedis:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()
