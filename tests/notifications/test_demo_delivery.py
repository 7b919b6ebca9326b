"""The demo (`make run`) runs on SQLite: its worker must deliver there too.

The suite runs on PostgreSQL, where delivery claims rows with SKIP LOCKED and relaxes commit
durability; neither exists in SQLite, and a demo whose every message failed went unnoticed.
This runs the demo's own set-up (migrate, seed_demo) and one scan in a fresh SQLite database,
in a process of its own, as `make run` would.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args: str, env: dict[str, str]) -> str:
    done = subprocess.run(  # noqa: S603 (our own manage.py, fixed arguments)
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_the_demo_database_delivers_the_seeded_messages(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CELERY_", "EMAIL_"))
    }
    env.update(
        DJANGO_DEBUG="1",
        DJANGO_SETTINGS_MODULE="sofadoc.settings",
        DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        CELERY_BROKER_URL="memory://",  # the tasks queued on commit go nowhere; the scan sends
        PRIVATE_STORAGE_ROOT=str(tmp_path / "private"),
        DJANGO_MEDIA_ROOT=str(tmp_path / "media"),
    )
    _manage("migrate", "--no-input", "-v", "0", env=env)
    _manage("seed_demo", env=env)

    out = _manage("send_due_reminders", env=env)

    # The console backend prints each mail: the seeded bookings' confirmations are among them.
    assert "Subject:   Gebucht: Ihre Sitzung mit " in out
    assert "Subject:   Willkommen bei SofaDoc" in out
    counts = _manage(
        "shell",
        "-c",
        "from coaching.notifications.models import Notification as N; "
        "print(sorted(set(N.objects.values_list('status', flat=True))), N.objects.count())",
        env=env,
    )
    statuses, total = counts.strip().splitlines()[-1].rsplit(" ", 1)
    assert statuses == "['sent']" and int(total) > 0
    assert f"{total} message(s) sent." in out
