"""Load benchmark: gunicorn in its production configuration on loopback, 16 connections.

    .venv/bin/python -m bench.load [--duration 15] [--rounds 5] [--warmup 3] [--connections 16]
                                   [--profile] [--only NAME]

Seeds (once) 10,000 published practices (bench.directory) and 100,000 bookings, starts
gunicorn with deploy/gunicorn.conf.py, DEBUG off, the production middleware, Redis cache and the
PostgreSQL pool, and drives it with wrk (Debian package `wrk`; a Python generator otherwise).
Requests carry `X-Forwarded-Proto: https` as the TLS proxy in front would. Each page is measured
interleaved with `/bench/floor/` (bench.load_urls: a bare view behind the same middleware, same
gunicorn): floor, page, floor, page ... in short rounds, each round's page set against the floor
just before it, the share reported as the median of the rounds, with the machine's load. On a
shared 2-core machine the absolute figures are noisy; the share is what counts.

Targets: for visitors the directory and practice page >= 40 % of the floor's requests/s; signed
in, the directory, practice page and booking page >= 25 %; p99 < 100 ms everywhere.
The table goes to stdout and var/bench-load.md; with --profile, py-spy samples the workers while
each URL is under load and the hottest frames are written to var/bench-load-profile.md.

DATABASE_URL (default: database `sofadoc_bench_load`, built on first run) and REDIS_URL
(default: redis db 0) choose the services. gunicorn, wrk and py-spy are always stopped on exit,
Ctrl-C and failure included.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import socket
import statistics
import sys
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench import directory
from bench.common import session_cookie, setup_django
from bench.load_driver import (
    Result,
    Target,
    fetch,
    headers,
    profiled,
    run_load,
)

ROOT = Path(__file__).resolve().parent.parent
LOAD_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/sofadoc_bench_load"
BOOKINGS = 100_000
CLIENTS = 2_000
VISITOR_EMAIL = "load-visitor@bench.example"
# Signs the visitor's session: this process creates it, gunicorn must accept it.
SECRET_KEY = "bench-load-only-secret-key-never-used-anywhere-else-0123456789"  # noqa: S105
TARGET_P99_MS = 100.0
# Visitors get cached pages; people signed in get theirs rendered (issue #22's targets).
SHARE_TARGETS = {
    "directory": 0.40,
    "practice page": 0.40,
    "directory, signed in": 0.25,
    "practice, signed in": 0.25,
    "booking page": 0.25,
}


# --- Data ---------------------------------------------------------------------------------------


def build_bookings() -> None:
    """100,000 bookings over the bench practices: ten each, past and coming weeks, no overlaps."""
    from django.db import connection, transaction

    from coaching.bookings.models import Booking, BookingState
    from coaching.practices.models import Practice
    from sofadoc.accounts.models import User
    from tests.factories import BookingFactory, UserFactory

    if Booking.objects.filter(client__email__startswith="load-client-").count() >= BOOKINGS:
        return
    print(f"Building {BOOKINGS} bookings (once)...", flush=True)
    started = time.perf_counter()
    rng = random.Random(8)
    practices = list(
        Practice.objects.filter(slug__startswith="bench-", is_published=True)
        .exclude(slug__in=["bench-busy-coach", "bench-booking-flow"])
        .prefetch_related("session_types")
        .order_by("pk")
    )
    per_practice = -(-BOOKINGS // len(practices))
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    with transaction.atomic():
        clients = User.objects.bulk_create(
            UserFactory.build(
                email=f"load-client-{i}@bench.example", display_name=f"Klient {i}", password=None
            )
            for i in range(CLIENTS)
        )
        bookings = []
        for practice in practices:
            session_type = practice.session_types.all()[0]
            taken = set()
            while len(taken) < per_practice and len(bookings) < BOOKINGS:
                # Weekdays from half a year back to a month ahead, 08:00-15:00 UTC (the coach's
                # 09:00-17:00 Berlin hours): most in the past, some in the coming week.
                day = today + timedelta(days=rng.randrange(-180, 30))
                if day.weekday() >= 5:
                    continue
                start = day + timedelta(hours=8 + rng.randrange(7))
                if start in taken:
                    continue
                taken.add(start)
                bookings.append(
                    BookingFactory.build(
                        session_type=session_type,
                        practice=practice,
                        client=rng.choice(clients),
                        state=BookingState.COMPLETED if start < today else BookingState.CONFIRMED,
                        start=start,
                        cancellation_window_hours=practice.cancellation_window_hours,
                        confirmed_at=start - timedelta(days=3),
                    )
                )
        Booking.objects.bulk_create(bookings, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"  done in {time.perf_counter() - started:.0f} s", flush=True)


def signed_in_visitor_cookie() -> str:
    """A client who accepted the current terms, signed in: the session cookie a browser sends."""
    from privacy.services import SIGNUP_PURPOSES, consent_record
    from sofadoc.accounts.models import User

    visitor, created = User.objects.get_or_create(
        email=VISITOR_EMAIL, defaults={"display_name": "Load Visitor"}
    )
    if created:
        visitor.set_password("bench-load-visitor")
        visitor.save()
        consent_record(
            decisions=dict.fromkeys(SIGNUP_PURPOSES, True), source="signup", user=visitor
        )
    return session_cookie(visitor)


def targets() -> list[Target]:
    """The URLs under test: a practice with sessions booked in the coming week, a free slot."""
    from django.utils import timezone

    from coaching.bookings.models import Booking
    from coaching.practices.models import Practice
    from coaching.practices.selectors import session_type_free_slots

    now = timezone.now()
    busiest = Counter(
        Booking.objects.filter(
            practice__slug__startswith="bench-", start__gte=now, start__lt=now + timedelta(days=7)
        ).values_list("practice_id", flat=True)
    ).most_common(1)
    practice = Practice.objects.get(pk=busiest[0][0])
    session_type = practice.session_types.get()
    free = session_type_free_slots(
        session_type=session_type, start=now + timedelta(days=2), end=now + timedelta(days=9)
    )
    today = timezone.localdate()
    signed_in = signed_in_visitor_cookie()
    return [
        Target("home", "/"),
        Target("directory", "/coaches/"),
        Target("practice page", f"/coaches/{practice.slug}/"),
        # Signed in, a page is rendered for the person (no whole-page cache): what every client
        # and coach gets. The listing and the practice's profile are still cached inside.
        Target("directory, signed in", "/coaches/", cookie=signed_in),
        Target("practice, signed in", f"/coaches/{practice.slug}/", cookie=signed_in),
        Target(
            "slots.json",
            f"/coaches/{practice.slug}/slots.json?type={session_type.pk}&start={today}&days=7",
        ),
        Target(
            "booking page",
            f"/coaches/{practice.slug}/book/{session_type.pk}/?start={free[0]:%Y-%m-%dT%H:%M:%SZ}",
            cookie=signed_in,
        ),
    ]


# --- Processes ----------------------------------------------------------------------------------


def queries_per_request(target: Target) -> int:
    """SQL statements of one warm request, through the same settings in this process."""
    from django.test import Client

    from bench.common import count_queries

    client = Client(
        HTTP_HOST="localhost",
        **{
            f"HTTP_{name.upper().replace('-', '_')}": value
            for name, value in headers(target).items()
        },
    )
    # Warm: process caches, the cache entries a visitor meets. Twice: a signed-in person's
    # user row is stored once its version stands (sofadoc/accounts/usercache.py).
    client.get(target.path)
    client.get(target.path)
    with count_queries() as statements:
        response = client.get(target.path)
    if response.status_code != 200:
        raise SystemExit(f"{target.path} answered {response.status_code}")
    return len(statements)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_environment(port: int) -> dict[str, str]:
    """Production settings as deploy/ runs them; only the floor's URL is added."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.load_settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_BEHIND_PROXY": "1",
        "DJANGO_LOG_LEVEL": "WARNING",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
    }


@contextmanager
def gunicorn(port: int, log_path: Path, environment: dict[str, str] | None = None):
    """gunicorn in its production configuration, started and stopped by the fault suite's helper
    (the one place that does it for tests and benchmarks)."""
    from tests.faults.site import gunicorn as site_gunicorn

    env = environment or server_environment(port)
    try:
        with site_gunicorn(env, port=port, log_path=log_path) as process:
            yield process
    except RuntimeError as error:  # did not start: say why and stop
        raise SystemExit(str(error)) from error


# --- Report -------------------------------------------------------------------------------------


@dataclass
class Measured:
    """A page measured in rounds, each right after a round of the floor."""

    page: Result  # medians over the rounds (p99: the median round's, the worst beside it)
    shares: list[float]  # page requests/s over the floor's in the same round
    floor_rps: list[float]
    floor_p99_ms: float  # the floor's own p99 (median of its rounds): what the machine allows
    worst_p99_ms: float
    load: tuple[float, float]  # the machine's 1-minute load average before and after

    @property
    def share(self) -> float:
        return statistics.median(self.shares)


def measure_interleaved(
    port: int, page: Target, floor: Target, *, seconds: float, rounds: int, connections: int
) -> Measured:
    """floor, page, floor, page ... in `rounds` short rounds: the machine's speed moves during a
    run (on a shared 2-core machine the floor alone moved 1.7x), so each round's page is set
    against the floor measured just before it, and the share is the median of the rounds."""
    load_before = os.getloadavg()[0]
    each = seconds / rounds
    floors, pages = [], []
    for _ in range(rounds):
        floors.append(run_load(port, floor, seconds=each, connections=connections))
        pages.append(run_load(port, page, seconds=each, connections=connections))
    return Measured(
        page=Result(
            page.name,
            page.path,
            statistics.median(r.requests_per_s for r in pages),
            statistics.median(r.p50_ms for r in pages),
            statistics.median(r.p99_ms for r in pages),
            sum(r.requests for r in pages),
            sum(r.errors for r in pages),
        ),
        shares=[p.requests_per_s / f.requests_per_s for p, f in zip(pages, floors, strict=True)],
        floor_rps=[f.requests_per_s for f in floors],
        floor_p99_ms=statistics.median(f.p99_ms for f in floors),
        worst_p99_ms=max(r.p99_ms for r in pages),
        load=(load_before, os.getloadavg()[0]),
    )


def table(results: list[Measured], *, connections: int, seconds: float, rounds: int) -> str:
    rows = [
        f"Load benchmark, {connections} connections, {seconds:.0f} s per URL in {rounds} rounds "
        f"each after a round of the floor, gunicorn (deploy/gunicorn.conf.py, "
        f"{os.environ.get('WEB_CONCURRENCY') or os.cpu_count() * 2 + 1} workers) on "
        f"{os.cpu_count()} cores, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        "| URL | requests/s | floor req/s | share of floor (median of rounds) | p50 ms | p99 ms "
        "(median / worst round) | floor p99 ms | SQL queries | errors | load before/after "
        "| target |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for measured in results:
        result = measured.page
        goals = [f"p99 < {TARGET_P99_MS:.0f} ms"]
        met = result.p99_ms < TARGET_P99_MS and not result.errors
        target = SHARE_TARGETS.get(result.name)
        if target:
            goals.insert(0, f">= {target:.0%}")
            met = met and measured.share >= target
        shares = ", ".join(f"{share:.0%}" for share in measured.shares)
        rows.append(
            f"| {result.name} `{result.path.split('?')[0]}` | {result.requests_per_s:.0f} | "
            f"{statistics.median(measured.floor_rps):.0f} | **{measured.share:.0%}** ({shares}) "
            f"| {result.p50_ms:.1f} | {result.p99_ms:.1f} / {measured.worst_p99_ms:.1f} | "
            f"{measured.floor_p99_ms:.1f} | {result.queries} | {result.errors} | "
            f"{measured.load[0]:.1f} / {measured.load[1]:.1f} | "
            f"{', '.join(goals)}{' ✓' if met else ' ✗'} |"
        )
    return "\n".join(rows) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=15, help="seconds per URL")
    parser.add_argument("--rounds", type=int, default=5, help="floor/page rounds per URL")
    parser.add_argument("--warmup", type=float, default=3, help="untimed seconds per URL")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--profile", action="store_true", help="sample the workers with py-spy")
    parser.add_argument("--only", help="measure only the URLs whose name contains this")
    args = parser.parse_args()
    # A SIGTERM (CI, a timeout) unwinds like Ctrl-C, so gunicorn is stopped either way.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even if started with it ignored

    os.environ.setdefault("DATABASE_URL", LOAD_DATABASE_URL)
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
    port = free_port()
    os.environ.update(server_environment(port))
    setup_django()
    directory.build()
    build_bookings()
    from django.core.management import call_command
    from django.db import connections

    # Production static files: whitenoise serves the hashed, compressed set from STATIC_ROOT.
    call_command("collectstatic", "--no-input", verbosity=0)
    pages = targets()
    if args.only:
        pages = [t for t in pages if args.only in t.name]
    floor_target = Target("floor", "/bench/floor/")
    queries = {t.name: queries_per_request(t) for t in [floor_target, *pages]}
    connections.close_all()
    profiles: dict[str, str] = {}
    (ROOT / "var").mkdir(exist_ok=True)  # a fresh clone has none yet
    log_path = ROOT / "var" / "bench-load-gunicorn.log"
    load_at_start = os.getloadavg()
    with gunicorn(port, log_path) as server:
        for target in [floor_target, *pages]:
            status, body = fetch(port, target)
            if status != 200:
                raise SystemExit(f"{target.path} answered {status}:\n{body[:2000].decode()}")
        print(
            f"gunicorn on port {port}; {args.duration:.0f} s per URL in {args.rounds} rounds "
            f"after {args.warmup:.0f} s warm-up; machine load {load_at_start[0]:.1f}",
            flush=True,
        )
        measured = []
        for target in pages:
            run_load(port, floor_target, seconds=args.warmup / 2, connections=args.connections)
            run_load(port, target, seconds=args.warmup / 2, connections=args.connections)
            result = measure_interleaved(
                port,
                target,
                floor_target,
                seconds=args.duration,
                rounds=args.rounds,
                connections=args.connections,
            )
            if args.profile:  # sampled apart from the timed rounds, which it would slow
                with profiled(server.pid, target.name, args.duration / 2, profiles):
                    run_load(port, target, seconds=args.duration / 2, connections=args.connections)
            result.page.queries = queries[target.name]
            print(
                f"  {target.name:<22} {result.page.requests_per_s:8.0f} req/s  "
                f"share {result.share:5.0%}  p50 {result.page.p50_ms:6.1f} ms  "
                f"p99 {result.page.p99_ms:6.1f} ms  load {result.load[1]:.1f}",
                flush=True,
            )
            measured.append(result)
    report = table(
        measured, connections=args.connections, seconds=args.duration, rounds=args.rounds
    )
    end = os.getloadavg()
    report += (
        f"\nShare: the page's requests/s over the floor's (a bare view behind the same "
        f"middleware and gunicorn) measured in the round just before, median of "
        f"{args.rounds} rounds. Machine load (1, 5, 15 min) at the start "
        f"{load_at_start[0]:.1f} {load_at_start[1]:.1f} {load_at_start[2]:.1f}, at the end "
        f"{end[0]:.1f} {end[1]:.1f} {end[2]:.1f} on {os.cpu_count()} cores (the load generator "
        f"runs on the same cores). Targets: "
        + "; ".join(f"{name} >= {share:.0%}" for name, share in SHARE_TARGETS.items())
        + f"; p99 < {TARGET_P99_MS:.0f} ms everywhere.\n"
    )
    print("\n" + report)
    (ROOT / "var" / "bench-load.md").write_text(report)
    if profiles:
        text = "\n\n".join(f"## {name}\n\n{frames}" for name, frames in profiles.items())
        (ROOT / "var" / "bench-load-profile.md").write_text(text + "\n")
        print(f"Profiles: {ROOT / 'var' / 'bench-load-profile.md'}")


if __name__ == "__main__":
    main()
