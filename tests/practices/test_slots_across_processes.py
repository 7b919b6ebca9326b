"""No cache ever offers a slot that is taken: a slot booked in one process is gone at once from
what another process serves (slots.json, the practice page for visitors and signed in).

The other process is a real gunicorn on the test database and the same Redis; it is asked
first, so whatever it caches (the visitor's page, the practice and its types, the profile, the
session) is warm when the booking lands here.
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone

from coaching.bookings.services import booking_hold
from coaching.practices.services import practice_publish
from tests.factories import PracticeFactory, SessionTypeFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ROOT = Path(__file__).resolve().parents[2]
EVERY_DAY = [(day, 8, 20) for day in range(7)]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def other_process():
    db = connection.settings_dict
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    }
    server = subprocess.Popen(  # noqa: S603 - gunicorn with fixed arguments
        [sys.executable, "-m", "gunicorn", "sofadoc.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base + "/coaches/", timeout=2)  # noqa: S310 - loopback
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(server.stderr.read().decode()[-3000:]) from None
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=20)
        server.stderr.close()


def ask(base: str, path: str, cookie: str = "") -> str:
    return ask_with_status(base, path, cookie)[1]


def ask_with_status(base: str, path: str, cookie: str = "") -> tuple[int, str]:
    headers = {"Cookie": cookie} if cookie else {}
    request = urllib.request.Request(base + path, headers=headers)  # noqa: S310 - loopback
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:  # 4xx: the page is still what we look at
        return error.code, error.read().decode()


def signed_in_cookie(user) -> str:
    browser = Client()
    browser.force_login(user)  # the session is written to PostgreSQL and Redis, both shared
    return f"{settings.SESSION_COOKIE_NAME}={browser.cookies[settings.SESSION_COOKIE_NAME].value}"


def test_a_slot_booked_here_is_gone_at_once_from_the_other_process(other_process):
    practice = PracticeFactory(slug="zwei-prozesse", hours=EVERY_DAY)
    session_type = SessionTypeFactory(practice=practice, duration_minutes=60)
    practice_publish(practice=practice, actor=practice.owner)
    client = UserFactory()
    cookie = signed_in_cookie(UserFactory())
    page = "/coaches/zwei-prozesse/"
    slots = f"{page}slots.json?type={session_type.pk}&start={timezone.localdate()}&days=7"

    offered = json.loads(ask(other_process, slots))["slots"]
    first = offered[0]
    link = f"start={first[:13]}%3A{first[14:16]}%3A00Z"
    booking_page = f"{page}book/{session_type.pk}/?{link}"
    for _ in range(2):  # the second answer comes from the caches
        # slots.json is kept for everyone alike, signed in or not (sofadoc.pagecache).
        assert first in json.loads(ask(other_process, slots))["slots"]
        assert first in json.loads(ask(other_process, slots, cookie))["slots"]
        assert link in ask(other_process, page)
        assert link in ask(other_process, page, cookie)
        # The booking page (practice and types from the cached page data) offers the slot.
        status, html = ask_with_status(other_process, booking_page, cookie)
        assert status == 200 and 'name="price"' in html

    booking_hold(
        client=client,
        practice=practice,
        session_type_id=session_type.pk,
        start=datetime.fromisoformat(first.replace("Z", "+00:00")),
    )

    assert first not in json.loads(ask(other_process, slots))["slots"]
    assert first not in json.loads(ask(other_process, slots, cookie))["slots"]
    assert link not in ask(other_process, page)
    assert link not in ask(other_process, page, cookie)
    status, html = ask_with_status(other_process, booking_page, cookie)
    assert status == 409 and 'name="price"' not in html
