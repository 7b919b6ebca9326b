"""Data for a site under fault: coaches with free slots and clients who can sign in.

    DJANGO_SETTINGS_MODULE=... DATABASE_URL=... python -m tests.faults.seed [--practices 10] \
        [--clients 20] [--days 14]

Prints JSON: {"password": ..., "clients": [e-mail, ...], "slots": [[slug, type id, start], ...]}
where every slot is free and no two overlap, so concurrent bookers never collide.
"""

from __future__ import annotations

import argparse
import json
import os
from datetime import timedelta


def seed(*, practices: int, clients: int, days: int) -> dict:
    from django.utils import timezone

    from coaching.practices.selectors import session_type_free_slots
    from coaching.practices.services import practice_publish
    from tests.factories import DEFAULT_PASSWORD, PracticeFactory, SessionTypeFactory, UserFactory

    every_day = [(day, 6, 22) for day in range(7)]
    now = timezone.now()
    slots = []
    for n in range(practices):
        practice = PracticeFactory(
            slug=f"faults-{n}", owner__email=f"faults-coach-{n}@example.org", hours=every_day
        )
        session_type = SessionTypeFactory(practice=practice, duration_minutes=60)
        practice_publish(practice=practice, actor=practice.owner)
        free = session_type_free_slots(
            session_type=session_type,
            start=now + timedelta(hours=2),
            end=now + timedelta(days=days),
        )
        for start in free:
            if start.minute == 0:  # whole hours: hour-long sessions never overlap
                slots.append([practice.slug, session_type.pk, f"{start:%Y-%m-%dT%H:%M:%SZ}"])
    emails = [
        UserFactory(email=f"faults-client-{n}@example.org", language="de").email
        for n in range(clients)
    ]
    # Interleave the practices, so concurrent bookers mostly lock different ones.
    slots.sort(key=lambda slot: (slot[2], slot[0]))
    return {"password": DEFAULT_PASSWORD, "clients": emails, "slots": slots}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--practices", type=int, default=10)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--days", type=int, default=14)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.faults.site_settings")
    import django

    django.setup()
    print(json.dumps(seed(practices=args.practices, clients=args.clients, days=args.days)))


if __name__ == "__main__":
    main()
