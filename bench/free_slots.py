"""60 days of free slots on django-appointment's exact workload (bench/appointment_workload.py),
SofaDoc and django-appointment side by side in one run, plus a scaling table for 500, 2,000 and
8,000 bookings (at most 2,000 inside the 60 days, the rest in the past year).

Targets: at most 10 ms and 5 queries with 2,000 bookings; at most 20 ms with 8,000.

    .venv/bin/python -m bench.free_slots            # SofaDoc only
    .venv/bin/python -m bench.free_slots --peer     # and django-appointment (make bench does)

The peer runs in its own virtualenv under var/ (bench/peer_appointment.py says how), never in
the project's.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from bench import appointment_workload as workload
from bench.common import count_queries, fresh_address, measure, setup_django

ROOT = Path(__file__).resolve().parent.parent


def first_day() -> date:
    return datetime.now(ZoneInfo(workload.ZONE)).date() + timedelta(days=1)


def build(count: int, day: date):
    """The practice for `count` bookings from `day`, built once per day and size."""
    from django.db import transaction

    from coaching.bookings.models import Booking, BookingState
    from coaching.practices.models import Practice, WeeklyHours
    from sofadoc.accounts.models import User
    from tests.factories import BookingFactory, PracticeFactory, SessionTypeFactory

    slug = f"bench-appointment-{count}"
    marker = f"workload 2 from {day.isoformat()}"
    practice = Practice.objects.filter(slug=slug).first()
    if practice is not None and practice.headline == marker:
        return practice
    print(f"Building one coach with {count} bookings from {day} (once a day)...", flush=True)
    zone = ZoneInfo(workload.ZONE)
    with transaction.atomic():
        if practice is not None:
            Booking.objects.filter(practice=practice).delete()
            owner = practice.owner
            practice.delete()
            owner.delete()
        practice = PracticeFactory(
            owner__email=f"{slug}@bench.example",
            owner__display_name="Coach",
            hours=[],  # the workload's own, below
            merchant=False,
            topics=False,
            name=f"Appointment workload {count}",
            slug=slug,
            headline=marker,
            time_zone=workload.ZONE,
            is_published=True,
            min_notice_hours=0,
            buffer_before_minutes=0,  # django-appointment's default gap is none
            buffer_after_minutes=0,
            horizon_days=workload.DAYS + 30,
            slot_step_minutes=workload.SLOT_MINUTES,
        )
        session = SessionTypeFactory(
            practice=practice,
            name="Sitzung",
            duration_minutes=workload.SLOT_MINUTES,
            price=Decimal("90"),
        )
        short = SessionTypeFactory(
            practice=practice,
            name="Kurz",
            duration_minutes=workload.BOOKING_MINUTES,
            price=Decimal("30"),
        )
        WeeklyHours.objects.bulk_create(
            WeeklyHours(
                practice=practice, weekday=d, start_time=workload.OPENS, end_time=workload.CLOSES
            )
            for d in workload.WORKDAYS
        )
        client = User.objects.get_or_create(
            email="appointment-client@bench.example", defaults={"display_name": "Client"}
        )[0]
        rows = []
        for on, at in workload.bookings(day, count):
            start = datetime.combine(on, at, tzinfo=zone)
            rows.append(
                BookingFactory.build(
                    session_type=short,
                    client=client,
                    state=BookingState.CONFIRMED,
                    start=start,
                    confirmed_at=None,
                )
            )
        Booking.objects.bulk_create(rows, batch_size=1000)
    assert session.pk
    return practice


def sofadoc(count: int, day: date, *, repeat: int) -> dict:
    from django.test import Client

    from coaching.practices.models import SessionType
    from coaching.practices.selectors import practice_free_slots

    practice = build(count, day)
    session_type = SessionType.objects.select_related("practice").get(
        practice=practice, duration_minutes=workload.SLOT_MINUTES
    )
    zone = ZoneInfo(workload.ZONE)
    start = datetime.combine(day, datetime.min.time(), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=workload.DAYS), datetime.min.time(), tzinfo=zone)

    def selector():
        return practice_free_slots(
            practice=practice, session_types=[session_type], start=start, end=end
        )[session_type.pk]

    client = Client()
    url = f"/coaches/{practice.slug}/slots.json"
    query = {
        "type": session_type.pk,
        "start": day.isoformat(),
        "days": workload.DAYS,
        "tz": workload.ZONE,
    }
    fresh = fresh_address(f"{url}?{urlencode(query)}")
    # One request first, so the queries counted are those of a computed answer with the site's
    # caches as a booking leaves them (the practice's page data, the cookie policy's version:
    # a booking changes neither), not those of a cold Redis.
    client.get(fresh())
    with count_queries() as statements:
        response = client.get(fresh())
    assert response.status_code == 200, response.content
    slots = response.json()["slots"]
    # Computed for each request (an address not asked before), as the first visitor after a
    # booking gets it; then as kept for the next ones (sofadoc.pagecache.public_data_cache).
    return {
        "selector_ms": measure(selector, repeat=repeat)["median_ms"],
        "http_ms": measure(lambda: client.get(fresh()), repeat=repeat)["median_ms"],
        "kept_ms": measure(lambda: client.get(url, query), repeat=repeat)["median_ms"],
        "queries": len(statements),
        "slots": len(slots),
        "first": slots[0] if slots else None,
    }


def peer(sizes, day: date) -> dict[int, dict] | None:
    """django-appointment's figures, from its own virtualenv; None if it cannot be run."""
    python = ROOT / "var" / "bench-peer" / "venv" / "bin" / "python"
    if not python.exists():
        print(f"(django-appointment is not installed: {python} missing; `make bench` installs it)")
        return None
    completed = subprocess.run(  # noqa: S603 - our own script, fixed arguments
        [
            str(python),
            str(ROOT / "bench" / "peer_appointment.py"),
            "--first-day",
            day.isoformat(),
            "--sizes",
            ",".join(str(size) for size in sizes),
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if completed.returncode != 0:
        print(completed.stdout, completed.stderr, sep="\n", file=sys.stderr)
        raise SystemExit("django-appointment's run failed")
    return {int(size): figures for size, figures in json.loads(completed.stdout).items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peer", action="store_true", help="also run django-appointment")
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    setup_django()
    day = first_day()
    ours = {size: sofadoc(size, day, repeat=args.repeat) for size in workload.SIZES}
    theirs = peer(workload.SIZES, day) if args.peer else None

    print(
        f"\nFree slots, 60 days from {day}, one coach 08-20 Mon-Sat ({workload.ZONE}), "
        f"30-minute slots, {workload.BOOKING_MINUTES}-minute bookings"
    )
    head = (
        "| bookings | SofaDoc selector | SofaDoc slots.json (computed) | kept for the next "
        "| queries | slots |"
    )
    rule = "| ---: | ---: | ---: | ---: | ---: | ---: |"
    if theirs:
        head += " django-appointment (60 requests) | its queries | its slots | ratio |"
        rule += " ---: | ---: | ---: | ---: |"
    print(head)
    print(rule)
    for size, figures in ours.items():
        line = (
            f"| {size:,} | {figures['selector_ms']:.2f} ms | {figures['http_ms']:.2f} ms "
            f"| {figures['kept_ms']:.2f} ms | {figures['queries']} | {figures['slots']} |"
        )
        if theirs:
            other = theirs[size]
            line += (
                f" {other['ms']:.1f} ms | {other['queries']} | {other['slots']} "
                f"| {other['ms'] / figures['http_ms']:.0f}x |"
            )
        print(line)
    print("Targets: 2,000 bookings <= 10 ms and <= 5 queries; 8,000 bookings <= 20 ms.")
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"Machine load (1, 5, 15 min) after the run: {load} on {os.cpu_count()} cores")
    if theirs:
        for size in workload.SIZES:
            if theirs[size]["slots"] != ours[size]["slots"]:
                print(
                    f"NOTE: {size:,} bookings: django-appointment offers {theirs[size]['slots']} "
                    f"slots, SofaDoc {ours[size]['slots']}"
                )


if __name__ == "__main__":
    main()
