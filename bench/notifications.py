"""Reminder delivery: one worker's throughput, and two workers with one killed halfway.

    .venv/bin/python -m bench.notifications [bookings]   (default 2,500 bookings)

Each booking's client and coach get the 24 h reminder by e-mail and in the inbox, so 2,500
bookings make 10,000 messages. E-mail goes to the locmem backend. Each worker writes the
channel and id of every message it delivers (e-mail handed to the backend, inbox copy written,
SMS handed to the carrier) to its own file, so duplicates and misses are counted per channel
from what was really delivered, not from the rows.

DATABASE_URL chooses the database (default: `sofadoc_bench_notifications` on the local server);
it is emptied of earlier bench data, never of anything else.
"""

import multiprocessing
import os
import signal
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

os.environ.setdefault(
    "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/sofadoc_bench_notifications"
)
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/6")
# The benchmark's workers deliver by scanning; the tasks queued on commit go nowhere.
os.environ["CELERY_BROKER_URL"] = "memory://"

from bench.common import report, setup_django

PER_PRACTICE = 100
LEASE_SECONDS = 2


def make_bookings(count: int) -> None:
    from django.utils import timezone

    from coaching.bookings.models import Booking
    from coaching.notifications.models import Notification, Preferences
    from coaching.practices.models import Practice
    from sofadoc.accounts.models import User
    from tests.factories import BookingFactory, PracticeFactory, SessionTypeFactory, UserFactory

    Notification.objects.all().delete()
    Preferences.objects.all().delete()
    Booking.objects.filter(practice__slug__startswith="bench-n-").delete()
    # Practices outlive their owner's account (SET_NULL), so they are removed explicitly.
    Practice.objects.filter(slug__startswith="bench-n-").delete()
    User.objects.filter(email__endswith="@bench-n.example").delete()
    now = timezone.now()
    clients = User.objects.bulk_create(
        UserFactory.build(email=f"c{i}@bench-n.example", display_name=f"Client {i}", password=None)
        for i in range(count)
    )
    bookings = []
    for p in range((count + PER_PRACTICE - 1) // PER_PRACTICE):
        offer = SessionTypeFactory(
            practice=PracticeFactory(slug=f"bench-n-{p}", owner__email=f"o{p}@bench-n.example"),
            duration_minutes=10,
        )
        for i in range(min(PER_PRACTICE, count - p * PER_PRACTICE)):
            start = now + timedelta(hours=2, minutes=10 * i)
            bookings.append(
                BookingFactory.build(
                    session_type=offer,
                    client=clients[p * PER_PRACTICE + i],
                    start=start,
                    session_name="Coaching",
                    confirmed_at=now - timedelta(days=3),
                )
            )
    Booking.objects.bulk_create(bookings, batch_size=1000)


def record_sends(path: str) -> None:
    """Note each message delivered on any channel (wraps the one function that delivers)."""
    from coaching.notifications import delivery

    original = delivery._send
    log = open(path, "a", buffering=1)  # noqa: SIM115 - open for the worker's whole life

    def send_and_note(row, prefs):
        original(row, prefs)
        log.write(f"{row.channel} {row.pk}\n")

    delivery._send = send_and_note


def worker(path: str) -> None:
    setup_django(database=False)
    record_sends(path)
    from coaching.notifications.delivery import notifications_deliver_pending

    while notifications_deliver_pending(limit=500):
        pass


def pending_count() -> int:
    from coaching.notifications.models import Notification, Status

    return Notification.objects.filter(status=Status.QUEUED).count()


def main() -> None:
    bookings = int(sys.argv[1]) if len(sys.argv) > 1 else 2500
    setup_django()
    from django.conf import settings
    from django.db import connection

    from coaching.notifications.delivery import notifications_deliver_pending
    from coaching.notifications.models import Channel, Notification, Status
    from coaching.notifications.scans import reminders_queue_due

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    make_bookings(bookings)

    started = time.perf_counter()
    queued = reminders_queue_due()
    queue_s = time.perf_counter() - started
    started = time.perf_counter()
    sent = notifications_deliver_pending(limit=10**6)  # what the worker's scan task runs
    send_s = time.perf_counter() - started
    emails = Notification.objects.filter(channel=Channel.EMAIL, status=Status.SENT).count()
    report(
        f"One worker, {bookings} bookings",
        {
            "queued": queued,
            "queue_s": queue_s,
            "sent": sent,
            "send_s": send_s,
            "msgs_per_s": sent / send_s,
            # Half the messages are inbox copies, which cost a fraction of a mail.
            "emails_per_s": emails / send_s,
        },
        ">= 300 messages a second on one worker",
    )

    # Two workers on the same backlog; one is killed with SIGKILL halfway through.
    Notification.objects.update(status=Status.QUEUED, sent_at=None, attempts=0, claimed_at=None)
    total = Notification.objects.count()
    connection.close()
    folder = Path(tempfile.mkdtemp(prefix="bench-notifications-"))
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=worker, args=(str(folder / f"w{i}.log"),)) for i in range(2)]
    started = time.perf_counter()
    for process in workers:
        process.start()
    while pending_count() > total // 2:
        time.sleep(0.05)
    os.kill(workers[0].pid, signal.SIGKILL)
    workers[1].join()
    # A restart (the first scan after the killed worker's claim ran out) catches up whatever
    # it held; the lease is shortened here so the benchmark need not wait two minutes.
    settings.NOTIFICATIONS_CLAIM_SECONDS = LEASE_SECONDS
    time.sleep(LEASE_SECONDS + 0.5)
    record_sends(str(folder / "restart.log"))
    notifications_deliver_pending(limit=10**6)
    elapsed = time.perf_counter() - started

    counts = Counter(
        line.strip() for log in folder.glob("*.log") for line in log.read_text().splitlines()
    )
    figures: dict[str, float | int] = {"messages": total, "elapsed_s": elapsed}
    for channel in Channel.values:
        rows = Notification.objects.filter(channel=channel)
        delivered = {key: n for key, n in counts.items() if key.startswith(f"{channel} ")}
        figures[f"{channel}_messages"] = rows.count()
        figures[f"{channel}_delivered"] = len(delivered)
        figures[f"{channel}_duplicates"] = sum(1 for n in delivered.values() if n > 1)
        figures[f"{channel}_missed"] = rows.exclude(status=Status.SENT).count()
    figures["reclaimed"] = Notification.objects.filter(attempts__gt=1).count()
    figures["killed_sent"] = len((folder / "w0.log").read_text().splitlines())
    figures["survivor_sent"] = len((folder / "w1.log").read_text().splitlines())
    report(
        "Two workers, one killed with SIGKILL halfway, then a restart (per channel: messages, "
        "delivered, delivered twice, never delivered)",
        figures,
        "0 duplicates, 0 missed on every channel (an inbox copy delivered twice rewrites the "
        "same row: nobody sees two; an e-mail or SMS delivered twice reaches the person twice)",
    )


if __name__ == "__main__":
    main()
