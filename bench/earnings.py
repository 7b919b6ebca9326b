"""The coach's earnings page with 10,000 ledger rows: the whole request (signed in, rendered)
and the month's selector alone, with the queries each sends.

    .venv/bin/python -m bench.earnings

One coach, 2,250 paid sessions (four ledger rows each: gross, PayPal fee, SofaDoc fee, net),
and 250 of them partly refunded (four rows more): 10,000 rows. Two layouts of the same rows:
spread over twelve months (a busy coach's year; the page shows one month), and all in one month
(the worst case: every row on one page). The reference in the same run is the page of a month
without money, so what the ledger costs is the difference. Target: under 50 ms.
"""

import os
import random
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/sofadoc_bench_earnings"

from bench.common import count_queries, measure, report, setup_django

SESSIONS = 2250  # + 250 refunds: 10,000 ledger rows


def build(slug: str, *, months: int) -> int:
    """The coach `slug` with its ledger (once); returns the number of ledger rows."""
    from django.db import connection, transaction

    from coaching.payments.models import LedgerEntry
    from coaching.practices.models import Practice
    from tests.factories import PracticeFactory
    from tests.payments.ledger import captured, refunded

    practice = Practice.objects.filter(slug=slug).first()
    if practice is None:
        print(f"Building {slug}: {SESSIONS} payments over {months} month(s) (once)...")
        rng = random.Random(months)
        start = datetime(2026, 12 - months, 1, 8, tzinfo=UTC) if months < 12 else None
        start = start or datetime(2025, 12, 1, 8, tzinfo=UTC)
        span = timedelta(days=30 * months - 1)
        with transaction.atomic():
            practice = PracticeFactory(slug=slug, time_zone="Europe/Berlin")
            rows = []
            purchases = []
            for _ in range(SESSIONS):
                at = start + span * rng.random()
                gross = Decimal(rng.randrange(40, 200))
                purchases.append((captured(practice=practice, at=at, gross=gross, bulk=rows), at))
            LedgerEntry.objects.bulk_create(rows, batch_size=2000)
            for purchase, at in rng.sample(purchases, 250):
                refunded(purchase=purchase, at=at + timedelta(hours=2), amount=Decimal("20.00"))
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return LedgerEntry.objects.filter(practice=practice).count()


def bench_layout(slug: str, months: int, month: str) -> None:
    from django.test import Client

    from coaching.payments.earnings import earnings_month
    from coaching.practices.models import Practice

    rows = build(slug, months=months)
    practice = Practice.objects.get(slug=slug)
    client = Client()
    client.force_login(practice.owner)
    url = "/practice/earnings/"

    def page():
        response = client.get(url, {"month": month})
        assert response.status_code == 200, response.status_code

    with count_queries() as statements:
        page()
    summary = earnings_month(practice=practice, month=datetime.strptime(month, "%Y-%m").date())  # noqa: DTZ007
    figures = measure(page, repeat=40)

    # On a shared machine wall time includes waiting for a CPU; this process's own CPU time
    # (Python and template work, not PostgreSQL's) shows what the page itself costs.
    def cpu_ms(fn) -> float:
        started = time.process_time()
        for _ in range(20):
            fn()
        return (time.process_time() - started) * 1000 / 20

    cpu = cpu_ms(page)
    cpu_empty = cpu_ms(lambda: client.get(url, {"month": "2020-01"}))
    empty = measure(lambda: client.get(url, {"month": "2020-01"}), repeat=40)
    with count_queries() as selector_statements:
        earnings_month(practice=practice, month=summary.month)
    selector = measure(lambda: earnings_month(practice=practice, month=summary.month), repeat=40)
    report(
        f"Earnings page, coach with {rows} ledger rows over {months} month(s); "
        f"month {month}: {len(summary.payments)} payments",
        {
            **figures,
            "cpu_ms": cpu,
            "empty_cpu_ms": cpu_empty,
            "queries": len(statements),
            "empty_month_ms": empty["median_ms"],
            "selector_ms": selector["median_ms"],
            "selector_qs": len(selector_statements),
        },
        "median under 50 ms, queries fixed (pinned in tests/payments/test_earnings.py)",
    )


def main() -> None:
    setup_django()
    from django.test.utils import setup_test_environment

    setup_test_environment()
    bench_layout("bench-earnings-year", 12, "2026-06")
    bench_layout("bench-earnings-month", 1, "2026-11")


if __name__ == "__main__":
    main()
