"""60 days of free slots for one coach with 2,000 bookings (django-appointment: 1.1 s, 2,624
queries on this machine kind). Target: at most 20 ms and a handful of queries.

    .venv/bin/python -m bench.free_slots
"""

import random
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

from bench.common import count_queries, measure, report, setup_django

BOOKINGS = 2000


def build():
    from django.db import transaction

    from coaching.bookings.models import Booking, BookingState
    from coaching.practices.models import Practice, SessionType, WeeklyHours
    from sofadoc.accounts.models import User

    practice = Practice.objects.filter(slug="bench-busy-coach").first()
    if practice is not None:
        return practice
    print(f"Building one coach with {BOOKINGS} bookings (once)...")
    with transaction.atomic():
        coach = User.objects.create(email="busy-coach@bench.example", display_name="Busy Coach")
        practice = Practice.objects.create(
            owner=coach,
            name="Busy",
            slug="bench-busy-coach",
            is_published=True,
            min_notice_hours=0,
            buffer_after_minutes=10,
            slot_step_minutes=15,
        )
        session_type = SessionType.objects.create(
            practice=practice, name="Sitzung", duration_minutes=50, price=Decimal("90")
        )
        WeeklyHours.objects.bulk_create(
            WeeklyHours(practice=practice, weekday=day, start_time=time(a), end_time=time(b))
            for day in range(7)
            for a, b in ((7, 11), (12, 16), (17, 21))
        )
        client = User.objects.create(email="busy-client@bench.example", display_name="Client")
        rng = random.Random(3)
        start_of_range = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(
            days=300
        )
        taken = set()
        bookings = []
        while len(bookings) < BOOKINGS:
            # 2,000 sessions spread over ten past months and the next 60 days.
            start = start_of_range + timedelta(hours=rng.randrange(360 * 24))
            if start in taken or not (7 <= start.hour <= 19):
                continue
            taken.update({start - timedelta(hours=1), start, start + timedelta(hours=1)})
            bookings.append(
                Booking(
                    practice=practice,
                    session_type=session_type,
                    client=client,
                    state=BookingState.CONFIRMED,
                    start=start,
                    end=start + timedelta(minutes=50),
                    blocked_start=start,
                    blocked_end=start + timedelta(minutes=60),
                    session_name="Sitzung",
                    price=Decimal("90"),
                    cancellation_window_hours=24,
                )
            )
        Booking.objects.bulk_create(bookings)
    return practice


def main():
    setup_django()
    practice = build()
    from django.test import Client
    from django.utils import timezone

    from coaching.bookings.models import Booking
    from coaching.practices.models import SessionType
    from coaching.practices.selectors import practice_free_slots

    session_type = SessionType.objects.select_related("practice").get(practice=practice)
    now = timezone.now()
    in_window = Booking.objects.filter(
        practice=practice, start__gte=now, start__lt=now + timedelta(days=60)
    ).count()

    def selector():
        return practice_free_slots(
            practice=practice, session_types=[session_type], start=now, end=now + timedelta(days=60)
        )

    with count_queries() as statements:
        slots = selector()[session_type.pk]
    report(
        f"Free slots, 60 days, one coach, {BOOKINGS} bookings ({in_window} in window): selector",
        {**measure(selector, repeat=50), "queries": len(statements), "slots": len(slots)},
        "<= 20 ms, a handful of queries (django-appointment: 1.1 s, 2,624 queries)",
    )

    client = Client()
    url = f"/coaches/{practice.slug}/slots.json"
    query = {"type": session_type.pk, "start": timezone.localdate().isoformat(), "days": 60}
    with count_queries() as statements:
        response = client.get(url, query)
    assert response.status_code == 200, response.content
    report(
        "The same through GET slots.json (middleware, session, JSON)",
        {**measure(lambda: client.get(url, query), repeat=50), "queries": len(statements)},
        "<= 20 ms",
    )


if __name__ == "__main__":
    main()
