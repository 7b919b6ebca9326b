"""The series check for 52 weekly occurrences against a coach with 2,000 bookings, end to end:
the signed-in check page (`packages:series_start`, GET, what a client waits for before paying)
and the check itself (`series_check`), against the reference of asking the slot engine about
each of the 52 starts one by one (`session_type_slot_is_free` × 52), in the same run, twice.

Target: under 30 ms end to end.

    .venv/bin/python -m bench.series_check
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from bench.common import count_queries, measure, report, setup_django

BOOKINGS = 2000
OCCURRENCES = 52
ZONE = ZoneInfo("Europe/Berlin")


def build(today):
    """One coach (Mon-Fri 08:00-20:00, a year ahead bookable) with 2,000 hour-long confirmed
    bookings over the coming year, none on Tuesdays at 18:00 (the series' time) but many
    around it; built once a day."""
    from django.db import transaction

    from coaching.bookings.models import Booking, BookingState
    from coaching.practices.models import Practice
    from sofadoc.accounts.models import User
    from tests.factories import BookingFactory, PracticeFactory, SessionTypeFactory, UserFactory

    slug = "bench-series"
    marker = f"series from {today.isoformat()}"
    practice = Practice.objects.filter(slug=slug).first()
    if practice is not None and practice.headline == marker:
        return practice, practice.session_types.get(), User.objects.get(email="client@bench.series")
    print("Building a coach with 2,000 bookings (once a day)...", flush=True)
    with transaction.atomic():
        if practice is not None:
            Booking.objects.filter(practice=practice).delete()
            owner = practice.owner
            practice.session_types.all().delete()
            practice.delete()
            owner.delete()
        User.objects.filter(email="client@bench.series").delete()
        client = UserFactory(email="client@bench.series", display_name="Client")
        practice = PracticeFactory(
            owner__email="coach@bench.series",
            owner__display_name="Coach",
            hours=[(d, 8, 20) for d in range(5)],
            merchant=False,
            topics=False,
            name="Series bench",
            slug=slug,
            headline=marker,
            time_zone="Europe/Berlin",
            is_published=True,
            min_notice_hours=0,
            horizon_days=365,
            buffer_after_minutes=10,  # the model's default
            slot_step_minutes=30,
        )
        session_type = SessionTypeFactory(
            practice=practice, name="Sitzung", duration_minutes=60, price=Decimal("90")
        )
        rows = []
        day = today + timedelta(days=1)
        while len(rows) < BOOKINGS:
            if day.weekday() < 5:
                for hour in (8, 9, 10, 11, 13, 14, 15, 16, 17, 19):
                    if day.weekday() == 1 and hour in (17, 19):
                        continue  # leave room around Tuesday 18:00
                    start = datetime.combine(day, time(hour), tzinfo=ZONE).astimezone(UTC)
                    rows.append(
                        BookingFactory.build(
                            session_type=session_type,
                            client=client,
                            state=BookingState.CONFIRMED,
                            start=start,
                            confirmed_at=None,
                        )
                    )
                    if len(rows) == BOOKINGS:
                        break
            day += timedelta(days=1)
        Booking.objects.bulk_create(rows, batch_size=500)
    return practice, session_type, client


def main() -> None:
    setup_django()
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from coaching.packages.series import series_check, series_starts
    from coaching.practices.selectors import session_type_slot_is_free

    today = timezone.localdate(timezone=ZONE)
    practice, session_type, client_user = build(today)
    session_type.practice = practice
    tuesday = today + timedelta(days=(1 - today.weekday()) % 7 or 7)
    first = datetime.combine(tuesday, time(18), tzinfo=ZONE).astimezone(UTC)
    starts = series_starts(first, interval_weeks=1, count=OCCURRENCES, zone=ZONE)

    def check():
        return series_check(
            session_type=session_type, first_start=first, interval_weeks=1, count=OCCURRENCES
        )

    def reference():
        return [session_type_slot_is_free(session_type=session_type, start=s) for s in starts]

    plan = check()
    assert [o.free for o in plan] == reference(), "the check and the one-by-one reference differ"
    browser = Client()
    browser.force_login(client_user)
    url = reverse("packages:series_start", args=[practice.slug, session_type.pk])
    query = {
        "start": first.isoformat().replace("+00:00", "Z"),
        "interval_weeks": 1,
        "count": OCCURRENCES,
    }
    assert browser.get(url, query).status_code == 200
    with count_queries() as statements:
        check()
    import os

    print(f"load average (1, 5, 15 min): {os.getloadavg()} on {os.cpu_count()} cores")
    for run in (1, 2):
        report(
            f"Series check, {OCCURRENCES} weekly occurrences, {BOOKINGS} bookings (run {run})",
            {
                "free": sum(o.free for o in plan),
                "check_queries": len(statements),
                "check_ms": measure(check, repeat=30)["median_ms"],
                "page_ms": measure(lambda: browser.get(url, query), repeat=30)["median_ms"],
                "reference_ms": measure(reference, repeat=5, warmup=1)["median_ms"],
            },
            "page_ms (end to end) under 30 ms; reference = slot engine asked 52 times",
        )


if __name__ == "__main__":
    main()
