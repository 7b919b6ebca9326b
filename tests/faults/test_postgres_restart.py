"""PostgreSQL restarted, and down for a while, under the site in gunicorn.

Every worker's pool holds connections that a restart kills ("terminating connection due to
administrator command"). The pool checks a connection before handing it out, so once PostgreSQL
accepts connections again no request fails; while it is down, requests fail within a few
seconds (the pool's timeout), with the error page, instead of hanging.
"""

import threading
import time

from tests.faults.load import Visitor, run_clients


def _load(site, n_clients: int):
    samples, stop = [], threading.Event()
    threads = run_clients(
        site.base,
        clients=site.data["clients"][-n_clients:],
        password=site.data["password"],
        slots=site.take_slots(300),
        stop=stop,
        samples=samples,
    )

    def finish():
        stop.set()
        for thread in threads:
            thread.join(30)
        return samples

    return finish


def _warm(site):
    """Every worker serves a few requests, so every pool holds a connection to be killed."""
    visitor = Visitor(site.base, [])
    for _ in range(12):
        visitor.request("home", "GET", "/")


def test_after_a_restart_no_request_fails_on_an_old_connection(site, private_postgres):
    _warm(site)
    private_postgres.restart()  # returns once PostgreSQL accepts connections again
    back_at = time.monotonic()
    finish = _load(site, 3)
    time.sleep(3)
    samples = finish()

    failed = [(s.action, s.status) for s in samples if s.started >= back_at and not s.ok]
    assert failed == []
    assert len([s for s in samples if s.action == "booking detail" and s.ok]) >= 3
    healthz = Visitor(site.base, []).request("healthz", "GET", "/healthz")
    assert healthz.status_code == 200, healthz.text


def test_during_an_outage_requests_fail_fast_and_none_after_it(site, private_postgres):
    _warm(site)
    finish = _load(site, 3)
    time.sleep(1)
    private_postgres.stop()
    down_at = time.monotonic()
    probe = Visitor(site.base, [])
    healthz = probe.request("healthz", "GET", "/healthz", expect=(503,))
    # A page no cache holds (a fresh query string): it needs the database.
    page = probe.request("practice page", "GET", f"/coaches/faults-0/?at={down_at}", expect=(500,))
    time.sleep(2)
    private_postgres.start()
    back_at = time.monotonic()
    time.sleep(3)
    samples = finish()

    assert healthz.status_code == 503 and healthz.json()["database"] != "ok"
    assert page.status_code == 500 and "<html" in page.text.lower()  # the error page
    during = [s for s in [*samples, *probe.samples] if down_at <= s.started < back_at]
    # Each fails after the pool's timeout (3 s) at most, and waits for a worker another such
    # request holds: seconds, not the 30 s of gunicorn's timeout.
    assert max(s.seconds for s in during) < 7.0
    # Requests that started before PostgreSQL was back may fail; none that started after.
    after = [s for s in samples if s.started >= back_at]
    assert [(s.action, s.status) for s in after if not s.ok] == []
    assert len([s for s in after if s.action == "booking detail"]) >= 1
