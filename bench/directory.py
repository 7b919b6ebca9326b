"""The directory with 10,000 published practices (target: < 50 ms server time, fixed queries).

.venv/bin/python -m bench.directory            # builds the data once, then measures
"""

import random
import time
from datetime import time as clock
from decimal import Decimal

from bench.common import count_queries, measure, report, setup_django

PRACTICES = 10_000
WORDS = [
    "Stress",
    "Karriere",
    "Führung",
    "Beziehungen",
    "Ängste",
    "Gelassenheit",
    "Selbstvertrauen",
    "Kommunikation",
    "Burnout",
    "Neuorientierung",
    "Familie",
    "Gesundheit",
    "Entscheidungen",
]

# Ordinary text around the topical words: each topic word turns up in a few percent of profiles,
# as in real ones, rather than in every one.
VOCABULARY = [f"wort{n}" for n in range(1500)] + WORDS


def build() -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from coaching.practices.models import (
        Language,
        Practice,
        SessionType,
        Specialty,
        WeeklyHours,
    )
    from sofadoc.accounts.models import User
    from tests.factories import PracticeFactory, SessionTypeFactory, UserFactory

    if Practice.objects.filter(slug__startswith="bench-").count() >= PRACTICES:
        return
    print(f"Building {PRACTICES} practices (once)...")
    rng = random.Random(1)
    specialties = list(Specialty.objects.all())
    languages = list(Language.objects.all())
    now = timezone.now()
    with transaction.atomic():
        users = User.objects.bulk_create(
            UserFactory.build(
                email=f"bench{i}@bench.example", display_name=f"Coach {i}", password=None
            )
            for i in range(PRACTICES)
        )
        practices = Practice.objects.bulk_create(
            PracticeFactory.build(
                owner=user,
                name=f"Praxis {rng.choice(WORDS)} {i}",
                slug=f"bench-{i}",
                headline=f"Coaching für {rng.choice(WORDS)} und {rng.choice(WORDS)}",
                bio=" ".join(rng.choice(VOCABULARY) for _ in range(60)),
                is_published=True,
                published_at=now,
            )
            for i, user in enumerate(users)
        )
        SessionType.objects.bulk_create(
            SessionTypeFactory.build(
                practice=p,
                name="Sitzung",
                duration_minutes=60,
                price=Decimal(rng.randrange(40, 200)),
            )
            for p in practices
        )
        WeeklyHours.objects.bulk_create(
            WeeklyHours(practice=p, weekday=day, start_time=clock(9), end_time=clock(17))
            for p in practices
            for day in range(5)
        )
        Practice.specialties.through.objects.bulk_create(
            Practice.specialties.through(practice=p, specialty=s)
            for p in practices
            for s in rng.sample(specialties, 2)
        )
        Practice.languages.through.objects.bulk_create(
            Practice.languages.through(practice=p, language=lang)
            for p in practices
            for lang in [languages[0], rng.choice(languages[1:])]
        )
        with connection.cursor() as cursor:  # the same document practice_refresh_search writes
            cursor.execute(
                "UPDATE practices_practice SET search_document ="
                " setweight(to_tsvector('german', name), 'A')"
                " || setweight(to_tsvector('german', headline), 'B')"
                " || setweight(to_tsvector('german', bio), 'C')"
                " WHERE slug LIKE 'bench-%%'"
            )
        cursor = connection.cursor()
        cursor.execute("ANALYZE")


def main() -> None:
    setup_django()
    build()
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()  # lets the bench read the page's context (the match count)
    from coaching.practices.selectors import practice_ids_booked_out_refresh

    started = time.perf_counter()
    practice_ids_booked_out_refresh()  # what beat does every minute
    report(
        f"Booked-out set for {PRACTICES} practices (beat task, not per request)",
        {"total_ms": (time.perf_counter() - started) * 1000},
        "off the request path",
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="de")
    cases = {
        "all, page 1": {},
        "all, page 400": {"page": "400"},
        "search 'Ängste'": {"q": "Ängste"},
        "free within 7 days": {"free7": "on"},
        "filters + sort": {
            "specialty": "career",
            "language": "en",
            "max_price": "100",
            "sort": "price",
        },
    }
    from coaching.practices.directory import directory_changed

    def rendered(query):
        # Retire the cached listing and page first (two INCRs in Redis, ~0.2 ms, timed too):
        # what the first visitor after any change, and every "free within 7 days" one, waits.
        directory_changed()
        return client.get("/coaches/", query)

    for title, query in cases.items():
        directory_changed()
        with count_queries() as statements:
            response = client.get("/coaches/", query)
        assert response.status_code == 200, response.status_code
        found = response.context["page"].paginator.count
        figures = measure(lambda q=query: rendered(q), repeat=30)
        cached = measure(lambda q=query: client.get("/coaches/", q), repeat=30)
        report(
            f"Directory, {PRACTICES} published practices — {title}",
            {
                **figures,
                "queries": len(statements),
                "matches": found,
                "cached_median_ms": cached["median_ms"],
            },
            "< 50 ms server time rendered afresh, fixed number of queries",
        )


if __name__ == "__main__":
    main()
