"""The booking path, two ways, each saying what it measures:

1. Hold -> PayPal order -> return -> capture for 30 bookings, in this process through Django's
   test client (all middleware and views, no sockets), PayPal's REST API faked at the HTTP
   level (`responses`): the server's own time per booking.
2. 64 clients racing for 16 slots over real sockets against gunicorn (deploy/gunicorn.conf.py),
   each with its own session: GET the booking page (its CSRF token), then POST the hold, which
   goes on to PayPal's local twin. Wall time of the whole race, and every slot booked once.

    .venv/bin/python -m bench.booking_flow

Each run books a practice of its own (money records are append-only and never deleted), so it
runs any number of times on the same database (DATABASE_URL, default `sofadoc_bench`).
"""

import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from bench.common import report, session_cookie, setup_django

RACERS, SLOTS = 64, 16


def practice_for_bench():
    """A new practice for this run: nothing of an earlier run is deleted or reused (the money
    of earlier runs is in the append-only ledger, which is never deleted)."""
    from tests.factories import PracticeFactory, SessionTypeFactory

    run = f"{datetime.now(UTC):%Y%m%d%H%M%S%f}"
    # The factory connects the coach's PayPal (an active merchant account) and opens every day.
    practice = PracticeFactory(
        owner__email=f"flow-coach-{run}@bench.example",
        owner__display_name="Coach",
        name="Flow",
        slug=f"bench-booking-flow-{run}",
        is_published=True,
        min_notice_hours=0,
        buffer_after_minutes=0,
        slot_step_minutes=60,
        horizon_days=365,
        hours=[(day, 0, 23) for day in range(7)],
        merchant__provider="paypal",
    )
    SessionTypeFactory(practice=practice, name="Sitzung", duration_minutes=60, price=Decimal("80"))
    return practice


def clients(count):
    """Clients who signed up as the signup form requires: without the current terms accepted,
    the consent gate would send them to accept instead of booking."""
    from privacy.selectors import consent_is_pending
    from privacy.services import SIGNUP_PURPOSES, consent_record
    from sofadoc.accounts.models import User

    users = [
        User.objects.get_or_create(
            email=f"flow-client-{i}@bench.example", defaults={"display_name": f"C{i}"}
        )[0]
        for i in range(count)
    ]
    for user in users:
        if consent_is_pending(user=user):
            consent_record(
                decisions=dict.fromkeys(SIGNUP_PURPOSES, True), source="signup", user=user
            )
    return users


def free_starts(session_type, *, days_ahead: int, count: int) -> list[datetime]:
    from coaching.practices.selectors import session_type_free_slots

    first = datetime.now(UTC) + timedelta(days=days_ahead)
    return session_type_free_slots(
        session_type=session_type, start=first, end=first + timedelta(days=5)
    )[:count]


def timed_path(practice, users):
    import responses
    from django.test import Client

    from coaching.payments.models import Payment
    from tests.payments.fake_paypal import FakePayPal

    session_type = practice.session_types.get()
    starts = free_starts(session_type, days_ahead=2, count=len(users))
    samples = []
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        paypal = FakePayPal(mock)
        for i, user in enumerate(users):
            client = Client()
            client.force_login(user)
            start = starts[i]
            url = f"/coaches/{practice.slug}/book/{session_type.pk}/"
            began = time.perf_counter()
            held = client.post(url, {"start": f"{start:%Y-%m-%dT%H:%M:%SZ}", "price": "80.00"})
            hold_ms = (time.perf_counter() - began) * 1000
            assert held.status_code == 302, held.content.decode()[-1500:]
            payment = Payment.objects.filter(purchase__buyer=user).latest("created_at")
            paypal.approve(payment.order_id)  # the client at PayPal: not our server's time
            began = time.perf_counter()
            back = client.get(
                f"/bookings/{payment.purchase.reference}/paypal/return/",
                {"token": payment.order_id},
            )
            capture_ms = (time.perf_counter() - began) * 1000
            assert back.status_code == 302, back.status_code
            samples.append(hold_ms + capture_ms)
    return samples


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _http(url: str, *, cookie: str, data: bytes | None = None) -> tuple[int, str, str]:
    """(status, body, Set-Cookie csrftoken value) of one request, redirects not followed."""
    request = urllib.request.Request(  # noqa: S310 - loopback
        url,
        data=data,
        # Behind the TLS proxy the request is secure, so CSRF wants an https Referer of the host.
        headers={
            "Cookie": cookie,
            "X-Forwarded-Proto": "https",
            "Referer": url.replace("http://", "https://", 1),
        },
    )
    try:
        with urllib.request.build_opener(_NoRedirect).open(request, timeout=30) as response:
            status, body, headers = response.status, response.read().decode(), response.headers
    except urllib.error.HTTPError as error:
        status, body, headers = error.code, error.read().decode(), error.headers
    token = re.search(r"csrftoken=([^;]+)", ", ".join(headers.get_all("Set-Cookie") or []))
    return status, body, token.group(1) if token else ""


def race(practice, users):
    """RACERS clients, SLOTS slots, through gunicorn over loopback sockets."""
    from bench.load import free_port, gunicorn, server_environment
    from bench.load_driver import ROOT
    from coaching.bookings.models import Booking

    session_type = practice.session_types.get()
    slots = free_starts(session_type, days_ahead=40, count=SLOTS)
    port = free_port()
    environment = server_environment(port)
    # The server's own PayPal: the local twin (no request leaves the machine).
    environment.update({"PAYPAL_MODE": "twin", "PAYPAL_TWIN_ALLOWED": "1"})
    statuses: Counter = Counter()
    lock = threading.Lock()
    barrier = threading.Barrier(RACERS)
    cookies = [session_cookie(user) for user in users]
    base = f"http://127.0.0.1:{port}/coaches/{practice.slug}/book/{session_type.pk}/"

    def racer(i: int) -> None:
        start = f"{slots[i % SLOTS]:%Y-%m-%dT%H:%M:%SZ}"
        url = f"{base}?{urllib.parse.urlencode({'start': start})}"
        _, page, token = _http(url, cookie=cookies[i])
        form_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        cookie = f"{cookies[i]}; csrftoken={token}"
        data = urllib.parse.urlencode(
            {"start": start, "price": "80.00", "csrfmiddlewaretoken": form_token.group(1)}
        ).encode()
        barrier.wait()  # every racer has its page: now all POST at once
        status, _, _ = _http(base, cookie=cookie, data=data)
        with lock:
            statuses[status] += 1

    (ROOT / "var").mkdir(exist_ok=True)
    # Production static files (the manifest the server's templates ask), as deploy/ builds them.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=environment,
        check=True,
    )
    with gunicorn(port, ROOT / "var" / "bench-booking-flow-gunicorn.log", environment):
        threads = [threading.Thread(target=racer, args=(i,)) for i in range(RACERS)]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        total_ms = (time.perf_counter() - began) * 1000
    per_slot = Counter(
        Booking.objects.filter(practice=practice, start__in=slots).values_list("start", flat=True)
    )
    return statuses, per_slot, total_ms


def main():
    import os

    # Each racing thread holds its own connection; the pool must not make them queue.
    os.environ.setdefault("DATABASE_POOL_MAX", str(RACERS + 4))
    # The sessions made here must pass the server's check, which is keyed with its secret.
    from bench.load import SECRET_KEY

    os.environ["DJANGO_SECRET_KEY"] = SECRET_KEY
    setup_django()
    practice = practice_for_bench()
    users = clients(RACERS)
    samples = timed_path(practice, users[:30])
    report(
        "Hold -> PayPal order -> return -> capture, server time per booking: in this process "
        "through Django's test client, no sockets (PayPal REST faked at the HTTP level)",
        {"median_ms": statistics.median(samples), "max_ms": max(samples), "bookings": len(samples)},
        "measured, no target",
    )
    statuses, per_slot, total_ms = race(practice, users)
    once = sum(1 for count in per_slot.values() if count == 1)
    report(
        f"{RACERS} clients racing for {SLOTS} slots through gunicorn over loopback sockets "
        "(booking page, then the hold POST at once; PayPal's local twin)",
        {
            "total_ms": total_ms,
            "slots_booked_once": once,
            "slots_booked_twice": sum(1 for c in per_slot.values() if c > 1),
            "2xx/3xx": statuses[302] + statuses[200],
            "409_taken": statuses[409],
            "5xx": sum(n for code, n in statuses.items() if code >= 500),
        },
        f"every slot booked exactly once ({SLOTS}), zero 5xx",
    )


if __name__ == "__main__":
    main()
