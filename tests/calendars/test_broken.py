"""Nothing fails silently: a broken connection is a state, a message, a red notice and a
checklist step; stale busy times stop the slots; bad addresses are clear form errors."""

import http.server
import socket
import threading
import time
from datetime import timedelta

import pytest
from django.urls import reverse

from coaching.calendars.models import CalendarConnection, ConnectionState
from coaching.calendars.sync import connection_sync
from coaching.notifications.models import Notification
from coaching.practices.checklist import practice_checklist
from tests.calendars.conftest import connect
from tests.calendars.test_caldav_sync import tuesday_slots, utc

pytestmark = pytest.mark.django_db


def test_a_changed_password_breaks_the_connection_and_the_coach_is_told(
    calendar_practice, account, radicale, frozen, client, django_capture_on_commit_callbacks
):
    connection = connect(calendar_practice, account)
    assert connection_sync(connection_id=connection.pk) == "ok"
    radicale.set_password(account.user, "a-new-one")
    with django_capture_on_commit_callbacks(execute=True):
        assert connection_sync(connection_id=connection.pk) == "failed"
    connection.refresh_from_db()
    assert connection.state == ConnectionState.BROKEN
    assert "connect it again" in connection.problem or "erneut" in connection.problem
    told = Notification.objects.filter(recipient=calendar_practice.owner, kind="calendar_broken")
    assert sorted(told.values_list("channel", flat=True)) == ["email", "inbox"]

    # A second failing sync tells nobody again.
    frozen.shift(timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=True):
        connection_sync(connection_id=connection.pk)
    assert told.count() == 2

    step = next(s for s in practice_checklist(practice=calendar_practice) if s.key == "calendars")
    assert step.problem and not step.done

    client.force_login(calendar_practice.owner)
    page = client.get(reverse("practices:setup")).content.decode()
    assert "calendar-notice" in page and "alert-error" in page

    # Working again: the state, the notice and the checklist recover.
    radicale.set_password(account.user, account.password)
    frozen.shift(timedelta(minutes=5))
    assert connection_sync(connection_id=connection.pk) == "ok"
    connection.refresh_from_db()
    assert connection.state == ConnectionState.OK and connection.problem == ""
    assert "calendar-notice" not in client.get(reverse("practices:setup")).content.decode()


def test_an_unreachable_server_is_broken_after_an_hour(
    calendar_practice, account, frozen, django_capture_on_commit_callbacks
):
    connection = connect(calendar_practice, account)
    connection_sync(connection_id=connection.pk)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    CalendarConnection.objects.filter(pk=connection.pk).update(
        server_url=f"http://127.0.0.1:{closed_port}/"
    )
    cal = connection.calendars.get()
    cal.remote_id = f"http://127.0.0.1:{closed_port}/{account.user}/work/"
    cal.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert connection_sync(connection_id=connection.pk) == "failed"
    connection.refresh_from_db()
    assert connection.state == ConnectionState.FAILING
    assert not Notification.objects.filter(kind="calendar_broken").exists()

    frozen.shift(timedelta(minutes=61))
    with django_capture_on_commit_callbacks(execute=True):
        connection_sync(connection_id=connection.pk)
    connection.refresh_from_db()
    assert connection.state == ConnectionState.BROKEN
    assert Notification.objects.filter(kind="calendar_broken", channel="email").count() == 1


def test_stale_busy_times_stop_the_slots_and_fresh_ones_bring_them_back(
    calendar_practice, account, frozen
):
    connection = connect(calendar_practice, account)
    connection_sync(connection_id=connection.pk)
    assert tuesday_slots(calendar_practice)
    frozen.shift(timedelta(hours=6, minutes=1))  # no sync for longer than the limit
    assert tuesday_slots(calendar_practice) == []
    step = next(s for s in practice_checklist(practice=calendar_practice) if s.key == "calendars")
    assert step.problem
    connection_sync(connection_id=connection.pk)
    assert tuesday_slots(calendar_practice)


class _Html(http.server.BaseHTTPRequestHandler):
    def do_PROPFIND(self):
        self.do_GET()

    def do_GET(self):
        body = b"<html><body>Willkommen</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def html_site():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Html)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture
def silent_server():
    """Accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    held = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/"
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    listener.close()


def _connect_form(client, practice, url):
    client.force_login(practice.owner)
    return client.post(
        reverse("calendars:caldav_connect"),
        {"server_url": url, "username": "anna", "password": "x"},
    )


def test_an_address_that_is_not_a_calendar_is_a_clear_form_error(
    client, calendar_practice, html_site
):
    response = _connect_form(client, calendar_practice, html_site)
    assert response.status_code == 400
    assert "CalDAV" in response.content.decode()
    assert not CalendarConnection.objects.exists()


def test_a_server_that_does_not_answer_times_out(
    client, calendar_practice, silent_server, settings
):
    settings.CALENDAR_READ_TIMEOUT = 0.5
    started = time.monotonic()
    response = _connect_form(client, calendar_practice, silent_server)
    assert time.monotonic() - started < 5
    assert response.status_code == 400
    assert not CalendarConnection.objects.exists()


def test_a_wrong_password_when_connecting_is_a_form_error(client, calendar_practice, account):
    response = _connect_form(client, calendar_practice, account.url)
    assert response.status_code == 400
    assert not CalendarConnection.objects.exists()


def test_a_calendar_that_starts_hanging_is_a_problem_on_the_connection_only(
    calendar_practice, account, silent_server, settings, frozen
):
    """Another practice's working calendar keeps syncing while this one hangs."""
    connection = connect(calendar_practice, account)
    settings.CALENDAR_READ_TIMEOUT = 0.5
    cal = connection.calendars.get()
    cal.remote_id = silent_server + "cal/"
    cal.save()
    assert connection_sync(connection_id=connection.pk) == "failed"
    connection.refresh_from_db()
    assert connection.state == ConnectionState.FAILING
    assert connection.problem
    assert utc(8) in tuesday_slots(calendar_practice)  # not stale yet: slots stay
