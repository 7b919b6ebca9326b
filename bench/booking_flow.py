"""The booking path: hold -> PayPal -> capture, per booking; and 64 clients racing for 16 slots.

    .venv/bin/python -m bench.booking_flow

PayPal is the REST fake of the test suite (HTTP faked with `responses`) for the timed path, and
the local twin for the race (threads share no fake), so no request leaves the machine.
"""

import statistics
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from decimal import Decimal

from bench.common import report, setup_django

RACERS, SLOTS = 64, 16


def practice_for_bench():
    from coaching.payments.models import MerchantAccount, MerchantStatus
    from coaching.practices.models import Practice, SessionType, WeeklyHours
    from sofadoc.accounts.models import User

    # A new practice each run: the money of earlier runs is in the append-only ledger and is
    # never deleted, so the bench does not clear bookings away but starts on an empty calendar.
    run = f"{time.time_ns():x}"
    coach = User.objects.create(email=f"flow-coach-{run}@bench.example", display_name="Flow")
    practice = Practice.objects.create(
        owner=coach,
        name="Flow",
        slug=f"bench-booking-flow-{run}",
        is_published=True,
        min_notice_hours=0,
        buffer_after_minutes=0,
        slot_step_minutes=60,
        horizon_days=365,
    )
    SessionType.objects.create(
        practice=practice, name="Sitzung", duration_minutes=60, price=Decimal("80")
    )
    WeeklyHours.objects.bulk_create(
        WeeklyHours(practice=practice, weekday=d, start_time=clock(0), end_time=clock(23))
        for d in range(7)
    )
    MerchantAccount.objects.create(
        practice=practice,
        provider="paypal",
        merchant_id=f"BENCH{run}"[:32],
        status=MerchantStatus.ACTIVE,
        payments_receivable=True,
    )
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


def race(practice, users):
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from coaching.bookings.models import Booking

    settings.PAYPAL_MODE, settings.PAYPAL_TWIN_ALLOWED = "twin", True
    session_type = practice.session_types.get()
    slots = free_starts(session_type, days_ahead=40, count=SLOTS)
    barrier = threading.Barrier(RACERS)
    statuses = Counter()
    lock = threading.Lock()

    def racer(i, client):
        start = slots[i % SLOTS]
        barrier.wait()
        response = client.post(
            f"/coaches/{practice.slug}/book/{session_type.pk}/",
            {"start": f"{start:%Y-%m-%dT%H:%M:%SZ}", "price": "80.00"},
        )
        with lock:
            statuses[response.status_code] += 1
        connection.close()

    logged_in = []
    for user in users:  # log in first, in this thread: the race is about booking only
        client = Client()
        client.force_login(user)
        logged_in.append(client)
    connection.close()
    threads = [threading.Thread(target=racer, args=(i, c)) for i, c in enumerate(logged_in)]
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
    setup_django()
    practice = practice_for_bench()
    users = clients(RACERS)
    samples = timed_path(practice, users[:30])
    report(
        "Hold -> PayPal order -> return -> capture, server time per booking (PayPal REST faked)",
        {"median_ms": statistics.median(samples), "max_ms": max(samples), "bookings": len(samples)},
        "measured, no target",
    )
    statuses, per_slot, total_ms = race(practice, users)
    once = sum(1 for count in per_slot.values() if count == 1)
    report(
        f"{RACERS} clients racing for {SLOTS} slots over HTTP (threads, own DB connections)",
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
