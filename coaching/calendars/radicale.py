"""A Radicale CalDAV server of its own, on a free port in a temporary folder.

The test suite, the benchmark (bench/calendar_sync.py) and the demo (`make radicale`) use it, so
CalDAV is exercised against a real server rather than a fake. Users and passwords come from an
htpasswd file in plain text (it lives only in the temporary folder); `set_password` changes one,
as a coach changing their app password would, and Radicale reads the file again at once.

    with LocalRadicale(users={"anna": "secret"}) as server:
        server.url  # http://127.0.0.1:<port>/
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LocalRadicale:
    def __init__(
        self,
        *,
        users: dict[str, str],
        port: int | None = None,
        folder: Path | None = None,
    ) -> None:
        self.port = port or free_port()
        self._own_folder = folder is None
        self.root = Path(folder or tempfile.mkdtemp(prefix="sofadoc-radicale-"))
        self.root.mkdir(parents=True, exist_ok=True)
        self.htpasswd = self.root / "users"
        self.users = dict(users)
        self._write_users()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def calendar_url(self, user: str, name: str) -> str:
        return f"{self.url}{user}/{name}/"

    def set_password(self, user: str, password: str) -> None:
        self.users[user] = password
        self._write_users()

    def _write_users(self) -> None:
        self.htpasswd.write_text("".join(f"{u}:{p}\n" for u, p in self.users.items()))

    def start(self) -> LocalRadicale:
        command = [
            sys.executable,
            "-m",
            "radicale",
            "--server-hosts",
            f"127.0.0.1:{self.port}",
            "--storage-filesystem-folder",
            str(self.root / "collections"),
            "--auth-type",
            "htpasswd",
            "--auth-htpasswd-filename",
            str(self.htpasswd),
            "--auth-htpasswd-encryption",
            "plain",
            "--no-auth-htpasswd-cache",
            "--rights-type",
            "owner_only",
            "--logging-level",
            "warning",
        ]
        with (self.root / "radicale.log").open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - Radicale of this venv, our arguments
                command, stdout=subprocess.DEVNULL, stderr=log
            )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return self
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"Radicale did not start: {(self.root / 'radicale.log').read_text()}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def close(self) -> None:
        self.stop()
        if self._own_folder:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> LocalRadicale:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()
