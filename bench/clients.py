"""The coach's client list with 500 clients and 20,000 messages, and a thread of 2,000 messages
paginated: whole requests (signed in, rendered, Django's test client), with their queries.

    .venv/bin/python -m bench.clients

Built once in its own database: a coach with 500 clients, each with two sessions (one past, one
ahead), a task and 40 messages (20,000 in all); one more client whose thread has 2,000
messages. References in the same run: the client list of a coach with 5 clients and 50
messages, and a thread of 10 messages, so what the volume costs is the difference. Everything
is measured twice in a row (round 1 and 2), and each round ends with what one more line (a
client, a message) costs in process. Targets: client list under 50 ms, a thread page (first and
deep) under 30 ms.

Where the time went (cProfile over 50 requests, time.process_time per request, December 2026):
the client list's 50 rows cost 29 ms in process, of which the template's per-row {% url %},
|date, {% trans %} and fact loops about half and building and compiling the ORM query with its
five subqueries (twice, for the page count) 3.5 ms; a thread's 50 messages cost 15 ms, two new
querysets per message (message.attachments.all) and the per-message formatting most of it. Now
each row and message line is made once in Python (coaching/clients/client_rows.py,
thread_lines.py, formatting.py), the list is one written query (selectors.ClientList) and a
thread's messages plain values: about 11 and 8 ms (function calls per request 123,000 -> 58,000
and 51,600 -> 27,600).
"""

import os
import time
from datetime import UTC, datetime, timedelta

os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/sofadoc_bench_clients"

from bench.common import count_queries, measure, report, setup_django

CLIENTS = 500
MESSAGES = 20_000
THREAD = 2_000


def _coach(slug: str, *, clients: int, messages: int, thread: int):
    """The coach `slug` with its clients (built once); returns (coach, big relationship)."""
    from django.db import connection, transaction

    from coaching.bookings.models import Booking
    from coaching.clients.models import Message, Relationship, Task
    from coaching.practices.models import Practice
    from tests.factories import PracticeFactory, SessionTypeFactory, UserFactory

    practice = Practice.objects.filter(slug=slug).first()
    if practice is not None:
        big = practice.client_relationships.order_by("-pk").first()
        return practice.owner, big
    print(f"Building {slug}: {clients} clients, {messages} + {thread} messages (once)...")
    started = time.perf_counter()
    with transaction.atomic():
        practice = PracticeFactory(slug=slug, owner__display_name=f"Coach {slug}")
        session_type = SessionTypeFactory(practice=practice)
        from sofadoc.accounts.models import User

        users = User.objects.bulk_create(
            User(email=f"{slug}-{i}@example.org", display_name=f"Klient {i:04d}")
            for i in range(clients + 1)
        )
        relationships = Relationship.objects.bulk_create(
            Relationship(practice=practice, client=user) for user in users
        )
        base = datetime(2026, 1, 5, 8, tzinfo=UTC)
        bookings, tasks, rows = [], [], []
        for i, rel in enumerate(relationships[:-1]):
            for n, state in enumerate(("completed", "confirmed")):
                start = base + timedelta(hours=2 * (2 * i + n)) + timedelta(days=365 * n)
                bookings.append(
                    Booking(
                        practice=practice,
                        session_type=session_type,
                        client_id=rel.client_id,
                        state=state,
                        start=start,
                        end=start + timedelta(hours=1),
                        blocked_start=start,
                        blocked_end=start + timedelta(hours=1),
                        session_name="Coaching",
                        price=80,
                        cancellation_window_hours=24,
                    )
                )
            tasks.append(Task(relationship=rel, title="Übung"))
            for m in range(messages // clients):
                side = "client" if m % 2 else "coach"
                rows.append(
                    Message(
                        relationship=rel,
                        sender_side=side,
                        recipient_id=practice.owner_id if side == "client" else rel.client_id,
                        text=f"Nachricht {m}",
                        created_at=base + timedelta(minutes=m),
                        read_at=None if m == messages // clients - 1 else base,
                    )
                )
        big = relationships[-1]
        for m in range(thread):
            side = "client" if m % 2 else "coach"
            rows.append(
                Message(
                    relationship=big,
                    sender_side=side,
                    recipient_id=practice.owner_id if side == "client" else big.client_id,
                    text=f"Nachricht {m} im langen Verlauf",
                    created_at=base + timedelta(minutes=m),
                    read_at=base,
                )
            )
        Booking.objects.bulk_create(bookings, batch_size=2000)
        Task.objects.bulk_create(tasks)
        Message.objects.bulk_create(rows, batch_size=5000)
        Relationship.objects.filter(practice=practice).update(last_message_at=base)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"  built in {time.perf_counter() - started:.0f} s")
    _ = UserFactory  # the factories module sets up what the models expect
    return practice.owner, big


def _costs(fn, runs: int = 20) -> dict[str, float]:
    """Per request: this process's CPU time (Python and templates) and the time spent waiting on
    PostgreSQL. On a shared machine the wall time also holds waiting for a CPU; these two show
    what the page itself costs."""
    from django.db import connection

    spent = [0.0]

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent[0] += time.perf_counter() - started

    with connection.execute_wrapper(timed):
        cpu = time.process_time()
        for _ in range(runs):
            fn()
        cpu = time.process_time() - cpu
    return {"cpu_ms": cpu * 1000 / runs, "sql_ms": spent[0] * 1000 / runs}


def bench_round(n: int) -> None:
    from django.test import Client

    coach, big = _coach("bench-clients", clients=CLIENTS, messages=MESSAGES, thread=THREAD)
    small_coach, small = _coach("bench-clients-ref", clients=5, messages=50, thread=10)
    cpu: dict[str, float] = {}  # per page and its reference, for what one more line costs
    for person, label, target in [
        (coach, f"{CLIENTS} clients, {MESSAGES} messages", 50),
        (small_coach, "reference: 5 clients, 50 messages", 50),
    ]:
        client = Client()
        client.force_login(person)

        def page(url="/practice/clients/", client=client):
            response = client.get(url)
            assert response.status_code == 200, response.status_code

        with count_queries() as statements:
            page()
        figures = measure(page, repeat=30)
        search = measure(lambda client=client: page("/practice/clients/?q=Klient%2002"), repeat=20)
        costs = _costs(page)
        cpu[f"list {person.pk}"] = costs["cpu_ms"]
        report(
            f"Round {n}: client list, {label}",
            {
                **figures,
                **costs,
                "search_ms": search["median_ms"],
                "queries": len(statements),
            },
            f"median under {target} ms",
        )
    for person, relationship, label in [
        (coach, big, f"thread of {THREAD} messages"),
        (small_coach, small, "reference: thread of 10 messages"),
    ]:
        client = Client()
        client.force_login(person)
        url = f"/conversations/{relationship.pk}/"
        ids = list(relationship.messages.order_by("created_at", "pk").values_list("pk", flat=True))
        deep = f"{url}?before={ids[len(ids) // 2]}"

        def thread(u=url, client=client):
            response = client.get(u)
            assert response.status_code == 200, response.status_code

        with count_queries() as statements:
            thread()
        first = measure(thread, repeat=30)
        later = measure(lambda deep=deep: thread(deep), repeat=30)
        costs = _costs(thread)
        cpu[f"thread {person.pk}"] = costs["cpu_ms"]
        report(
            f"Round {n}: {label}, 50 a page",
            {
                **first,
                **costs,
                "deep_page_ms": later["median_ms"],
                "deep_sql_ms": _costs(lambda deep=deep: thread(deep))["sql_ms"],
                "queries": len(statements),
            },
            "median under 30 ms (first and deep page)",
        )
    # The page's own work for each line beyond the reference's (50 against 5 clients, 50
    # against 10 messages): what grows with a fuller page.
    print(
        f"\nRound {n}: in process, per line beyond the reference: client list "
        f"{(cpu[f'list {coach.pk}'] - cpu[f'list {small_coach.pk}']) / 45:.3f} ms, thread "
        f"{(cpu[f'thread {coach.pk}'] - cpu[f'thread {small_coach.pk}']) / 40:.3f} ms"
    )


def main() -> None:
    setup_django()
    from django.test.utils import setup_test_environment

    setup_test_environment()
    for n in (1, 2):
        bench_round(n)


if __name__ == "__main__":
    main()
