"""Redis (cache and broker) stopped while clients sign in, book and pay on the site in gunicorn.

Nothing fails and nothing waits on Redis: every request answers within a second, sign-up and
password reset work, /healthz says 503 within a second. When Redis is back the scan sends the
messages that were queued meanwhile (their tasks never reached, or were lost with, Redis).
"""

import threading
import time

import redis

from tests.faults.load import Visitor, run_clients
from tests.faults.site import manage


def _signup(visitor: Visitor, email: str) -> bool:
    password = "ein langes Passwort 42"
    return visitor.submit(
        "sign-up",
        "/accounts/signup/",
        {
            "display_name": "Mara",
            "email": email,
            "password1": password,
            "password2": password,
            "time_zone": "Europe/Berlin",
            "age_18": "on",
            "terms": "on",
            "privacy": "on",
        },
    )


def test_redis_stopped_during_a_booking_load(site, private_redis):
    samples, stop = [], threading.Event()
    clients = site.data["clients"][:4]
    threads = run_clients(
        site.base,
        clients=clients,
        password=site.data["password"],
        slots=site.take_slots(400),
        stop=stop,
        samples=samples,
    )
    try:
        time.sleep(2)
        down_at = time.monotonic()
        private_redis.stop()
        time.sleep(0.5)
        visitor = Visitor(site.base, samples)
        health = visitor.request("healthz", "GET", "/healthz", expect=(503,))
        assert _signup(visitor, "new-while-redis-down@example.org")
        reset = Visitor(site.base, samples).submit(
            "password reset", "/accounts/password/reset/", {"email": clients[0]}
        )
        assert reset
        time.sleep(3)
        assert health is not None and health.json()["cache"] != "ok"
        private_redis.start()
        back_at = time.monotonic()
        time.sleep(2)
    finally:
        stop.set()
        for thread in threads:
            thread.join(30)

    during = [s for s in samples if down_at <= s.started < back_at]
    failed = [(s.action, s.status) for s in samples if not s.ok]
    assert failed == []
    # Nothing waits on Redis: within a second, or, on a machine so busy that requests were
    # already slow before the outage, within twice the slowest of those.
    limit = max(1.0, 2 * max(s.seconds for s in samples if s.started < down_at))
    assert max(s.seconds for s in during) < limit, sorted(
        ((s.seconds, s.action) for s in during), reverse=True
    )[:5]
    paid_during = [s for s in during if s.action == "booking detail"]
    assert len(paid_during) >= 4  # the load really ran through the outage
    assert [s.seconds < limit for s in during if s.action == "healthz"] == [True]

    # Once Redis is back, tasks reach it again (the bookings made after it returned).
    assert redis.Redis.from_url(private_redis.url()).llen("celery") > 0

    # The site sent no task for what was booked meanwhile (the broker was down), and Redis came
    # back empty: only the rows in PostgreSQL know. One scan, as beat runs it, sends them all.
    queued = site.sql("SELECT count(*) FROM notifications_notification WHERE status = 'queued'")
    assert queued[0][0] > 0
    manage(site.env, "send_due_reminders")
    total = site.sql("SELECT count(*) FROM notifications_notification")[0][0]
    by_status = "SELECT status, count(*) FROM notifications_notification GROUP BY status"
    assert site.sql(by_status) == [("sent", total)]
