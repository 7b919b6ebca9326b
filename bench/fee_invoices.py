"""The monthly fee-invoice run: invoices per second on one worker, a second run issues nothing,
and a run killed halfway leaves no twin and no gap once it runs again.

    .venv/bin/python -m bench.fee_invoices [coaches]   (default 2,000 coaches)

Each coach has three payments (SofaDoc fee 8 €) and, every third coach, one refund that gives a
fee back, in each of October and November 2026 (in a fresh database of its own: documents and
the ledger cannot be deleted, so every run starts empty). The timed run is the beat task itself
(`billing.issue_fee_invoices` through `.apply()`), e-mails to the locmem backend included. For
reference, the same run's invoices rendered as Factur-X PDFs (what a coach's download costs).
"""

import multiprocessing
import os
import signal
import sys
import time
from datetime import UTC, datetime
from decimal import Decimal

DATABASE = "sofadoc_bench_billing"
os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/7")
os.environ["CELERY_BROKER_URL"] = "memory://"

from bench.common import report, setup_django  # noqa: E402 (after the environment above)

OCTOBER = datetime(2026, 10, 15, 12, 0, tzinfo=UTC)
NOVEMBER = datetime(2026, 11, 15, 12, 0, tzinfo=UTC)


def fresh_database() -> None:
    import psycopg

    with psycopg.connect(
        "postgres://postgres@127.0.0.1:5432/postgres", autocommit=True
    ) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')


def make_coaches(count: int) -> list[int]:
    from coaching.payments.models import LedgerEntry, LedgerKind, Purchase
    from coaching.practices.models import Practice
    from sofadoc.accounts.models import User
    from tests.factories import PracticeFactory, UserFactory

    users = User.objects.bulk_create(
        UserFactory.build(email=f"coach{n}@bench.example", display_name=f"Coach {n}", password=None)
        for n in range(count)
    )
    practices = Practice.objects.bulk_create(
        PracticeFactory.build(
            owner=user,
            name=f"Praxis {n}",
            slug=f"bench-fee-{n}",
            billing_name=f"Coach {n}",
            billing_address=f"Weg {n}\n10115 Berlin",
            tax_number="27/123/45678",
        )
        for n, user in enumerate(users)
    )
    for month in (OCTOBER, NOVEMBER):
        purchases = Purchase.objects.bulk_create(
            Purchase(practice=p, total=Decimal("80.00"), platform_fee=Decimal("8.00"))
            for p in practices
            for _ in range(3)
        )
        rows = []
        for index, purchase in enumerate(purchases):
            reference = f"CAP-{month:%m}-{index}"
            for kind, amount in (
                (LedgerKind.CAPTURE_GROSS, Decimal("80.00")),
                (LedgerKind.PAYPAL_FEE, Decimal("-2.87")),
                (LedgerKind.PLATFORM_FEE, Decimal("-8.00")),
                (LedgerKind.NET, Decimal("69.13")),
            ):
                rows.append(_row(purchase, kind, amount, reference, month))
            if index % 9 == 0:  # every third coach: one refund with the fee given back
                reference = f"REF-{month:%m}-{index}"
                rows.append(
                    _row(purchase, LedgerKind.REFUND_GROSS, Decimal("-80"), reference, month)
                )
                rows.append(
                    _row(purchase, LedgerKind.REFUND_PLATFORM_FEE, Decimal("8"), reference, month)
                )
        LedgerEntry.objects.bulk_create(rows, batch_size=5000)
    return [p.pk for p in practices]


def _row(purchase, kind, amount, reference, at):
    from coaching.payments.models import LedgerEntry

    return LedgerEntry(
        practice_id=purchase.practice_id,
        purchase=purchase,
        kind=kind,
        amount=amount,
        currency="EUR",
        provider="twin",
        provider_reference=reference,
        occurred_at=at,
    )


def run_task_for(month: str) -> dict:
    """The beat task as a worker runs it, for the month given (on the 1st it takes last month)."""
    from coaching.billing.tasks import issue_fee_invoices

    return issue_fee_invoices.apply(kwargs={"month": month}).get()


def doomed_worker() -> None:
    """A worker that is killed with SIGKILL in the middle of the November run."""
    setup_django()
    run_task_for("2026-11-01")


def main() -> None:
    coaches = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    fresh_database()
    setup_django()
    from django.core import mail
    from django.db import connection

    from coaching.billing.models import Document, DocumentKind
    from coaching.billing.rendering import document_pdf

    make_coaches(coaches)
    ledger_rows = connection.cursor()
    ledger_rows.execute("SELECT count(*) FROM payments_ledgerentry")
    rows = ledger_rows.fetchone()[0]

    # October, on 1 November: the timed run, then the same task again.
    started = time.perf_counter()
    first = run_task_for("2026-10-01")
    first_s = time.perf_counter() - started
    started = time.perf_counter()
    second = run_task_for("2026-10-01")
    second_s = time.perf_counter() - started
    october = Document.objects.filter(kind=DocumentKind.FEE_INVOICE, period_start="2026-10-01")
    report(
        f"Monthly fee invoices, {coaches} coaches ({rows} ledger rows in two months)",
        {
            "issued": first["issued"],
            "announced": first["announced"],
            "e-mails": len(mail.outbox),
            "run_s": first_s,
            "invoices_per_s": first["issued"] / first_s,
            "second_issued": second["issued"],
            "second_mailed": second["announced"],
            "second_run_s": second_s,
            "invoices": october.count(),
        },
        "every coach once; a second run issues and sends nothing",
    )

    sample = list(october.order_by("pk")[:20])
    started = time.perf_counter()
    for invoice in sample:
        document_pdf(invoice)
    pdf_s = time.perf_counter() - started
    report(
        "Reference: the Factur-X PDF of an invoice (rendered per download)",
        {"pdfs": len(sample), "pdf_ms_each": pdf_s * 1000 / len(sample)},
        "for scale: the run issues rows; PDFs are made when a coach opens one",
    )

    # November, on 1 December: a worker killed with SIGKILL halfway, then the beat's next run.
    connection.close()
    context = multiprocessing.get_context("spawn")
    doomed = context.Process(target=doomed_worker)
    doomed.start()
    november = Document.objects.filter(kind=DocumentKind.FEE_INVOICE, period_start="2026-11-01")
    while november.count() < coaches // 2 and doomed.is_alive():
        time.sleep(0.02)
    os.kill(doomed.pid, signal.SIGKILL)
    doomed.join()
    before = november.count()
    again = run_task_for("2026-11-01")
    numbers = sorted(int(n.rsplit("-", 1)[1]) for n in november.values_list("number", flat=True))
    report(
        "November: the run killed with SIGKILL halfway, then run again",
        {
            "before_kill": before,
            "issued_after": again["issued"],
            "invoices": november.count(),
            "coaches": coaches,
            "twins": november.count() - november.values("practice").distinct().count(),
            "number_gaps": (numbers[-1] - numbers[0] + 1) - len(numbers),
        },
        "one invoice per coach, 0 twins, 0 gaps",
    )


if __name__ == "__main__":
    main()
