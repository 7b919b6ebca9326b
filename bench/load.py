"""Load benchmark: gunicorn in its production configuration on loopback, 16 connections.

    .venv/bin/python -m bench.load [--duration 15] [--warmup 3] [--connections 16] [--profile]

Seeds (once) 10,000 published practices (bench.directory) and 100,000 bookings, starts
gunicorn with deploy/gunicorn.conf.py, DEBUG off, the production middleware, Redis cache and the
PostgreSQL pool, and drives it with wrk (Debian package `wrk`; a Python generator otherwise).
Requests carry `X-Forwarded-Proto: https` as the TLS proxy in front would. Each page is measured
next to `/bench/floor/` (bench.load_urls: a bare view behind the same middleware, same gunicorn,
same run), and its throughput is given as a share of that floor: on a shared 2-core machine the
absolute figures are noisy, the share is what counts.

Targets: directory and practice page >= 40 % of the floor's requests/s; p99 < 100 ms everywhere.
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
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench import directory
from bench.common import setup_django

ROOT = Path(__file__).resolve().parent.parent
LOAD_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/sofadoc_bench_load"
BOOKINGS = 100_000
CLIENTS = 2_000
VISITOR_EMAIL = "load-visitor@bench.example"
# Signs the visitor's session: this process creates it, gunicorn must accept it.
SECRET_KEY = "bench-load-only-secret-key-never-used-anywhere-else-0123456789"  # noqa: S105
TARGET_SHARE, TARGET_P99_MS = 0.40, 100.0
SHARE_TARGETS = {"directory", "practice page"}


@dataclass
class Target:
    name: str
    path: str
    cookie: str = ""


@dataclass
class Result:
    name: str
    path: str
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    queries: int | None = None


# --- Data ---------------------------------------------------------------------------------------


def build_bookings() -> None:
    """100,000 bookings over the bench practices: ten each, past and coming weeks, no overlaps."""
    from django.db import connection, transaction

    from coaching.bookings.models import Booking, BookingState
    from coaching.practices.models import Practice
    from sofadoc.accounts.models import User

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
            User(email=f"load-client-{i}@bench.example", display_name=f"Klient {i}")
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
                end = start + timedelta(minutes=session_type.duration_minutes)
                bookings.append(
                    Booking(
                        practice=practice,
                        session_type=session_type,
                        client=rng.choice(clients),
                        state=BookingState.COMPLETED if start < today else BookingState.CONFIRMED,
                        start=start,
                        end=end,
                        blocked_start=start,
                        blocked_end=end,
                        session_name=session_type.name,
                        price=session_type.price,
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
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

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
    session = SessionStore()
    session[SESSION_KEY] = str(visitor.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = visitor.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


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
    client.get(target.path)  # warm: process caches, the cache entries a visitor meets
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
def stopped_on_exit(process: subprocess.Popen, *, grace: float = 30.0):
    """Terminate the process, and its group if it leads one (gunicorn's workers), however the
    block ends; SIGKILL after `grace` seconds."""
    try:
        yield process
    finally:
        if process.poll() is None:
            _signal(process, signal.SIGTERM)
            try:
                process.wait(grace)
            except subprocess.TimeoutExpired:
                _signal(process, signal.SIGKILL)
                process.wait()


def _signal(process: subprocess.Popen, signum: int) -> None:
    with suppress(ProcessLookupError):
        if os.getpgid(process.pid) == process.pid:  # started with start_new_session
            os.killpg(process.pid, signum)
        else:
            process.send_signal(signum)


@contextmanager
def gunicorn(port: int, log_path: Path):
    from tests.faults.site import gunicorn as site_gunicorn

    try:
        with site_gunicorn(server_environment(port), port=port, log_path=log_path) as process:
            yield process
    except RuntimeError as error:  # did not start: say why and stop, as before
        raise SystemExit(str(error)) from error


def headers(target: Target) -> dict[str, str]:
    # What a browser sends after its first page: static/js/tz.js stores the zone in a cookie.
    cookies = ["sofadoc_tz=Europe/Berlin", *([target.cookie] if target.cookie else [])]
    return {
        "X-Forwarded-Proto": "https",  # as the TLS proxy in front sets it
        "Accept-Language": "de",
        "Cookie": "; ".join(cookies),
    }


def fetch(port: int, target: Target) -> tuple[int, bytes]:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{target.path}", headers=headers(target)
    )
    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


# --- Load generators ----------------------------------------------------------------------------


def run_load(port: int, target: Target, *, seconds: float, connections: int) -> Result:
    if shutil.which("wrk"):
        return _wrk(port, target, seconds=seconds, connections=connections)
    return _python_load(port, target, seconds=seconds, connections=connections)


def _wrk(port: int, target: Target, *, seconds: float, connections: int) -> Result:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency"]
    command += ["--timeout", "10s"]  # a slow page is measured, not dropped at 2 s
    for name, value in headers(target).items():
        command += ["-H", f"{name}: {value}"]
    command.append(f"http://127.0.0.1:{port}{target.path}")
    process = subprocess.Popen(  # noqa: S603 - wrk with our own arguments
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    with stopped_on_exit(process, grace=2):
        output, _ = process.communicate()
    if process.returncode:
        raise SystemExit(f"wrk failed:\n{output}")
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", output, re.MULTILINE))
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", output))
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    return Result(
        name=target.name,
        path=target.path,
        requests_per_s=float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        p50_ms=_milliseconds(latency["50"]),
        p99_ms=_milliseconds(latency["99"]),
        requests=int(re.search(r"(\d+) requests in", output).group(1)),
        errors=errors,
    )


def _milliseconds(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60_000}[unit]


def _python_load(port: int, target: Target, *, seconds: float, connections: int) -> Result:
    """Fallback without wrk: one keep-alive connection per thread (the GIL caps it lower)."""
    import http.client

    samples: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        mine, failed = [], 0
        while time.monotonic() < deadline:
            began = time.perf_counter()
            try:
                conn.request("GET", target.path, headers=headers(target))
                response = conn.getresponse()
                response.read()
                if response.status >= 400:
                    failed += 1
            except OSError:
                failed += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                continue
            mine.append((time.perf_counter() - began) * 1000)
        conn.close()
        with lock:
            samples.extend(mine)
            errors[0] += failed

    began = time.monotonic()
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    samples.sort()
    return Result(
        name=target.name,
        path=target.path,
        requests_per_s=len(samples) / elapsed,
        p50_ms=samples[len(samples) // 2],
        p99_ms=samples[max(0, int(len(samples) * 0.99) - 1)],
        requests=len(samples),
        errors=errors[0],
    )


# --- Profiling ----------------------------------------------------------------------------------


@contextmanager
def profiled(master_pid: int, name: str, seconds: float, into: dict[str, str]):
    """py-spy samples all workers while the block runs; the hottest frames land in `into`."""
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(py_spy).exists():
        yield
        return
    raw = ROOT / "var" / f"bench-load-{name.replace(' ', '-')}.folded"
    process = subprocess.Popen(  # noqa: S603 - py-spy with our own arguments
        [
            py_spy,
            "record",
            "--pid",
            str(master_pid),
            "--subprocesses",
            "--format",
            "raw",
            "--rate",
            "200",
            "--duration",
            str(max(1, round(seconds))),
            "--output",
            str(raw),
            "--nonblocking",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    with stopped_on_exit(process, grace=5):
        yield
        with suppress(subprocess.TimeoutExpired):
            process.wait(seconds + 10)
    if raw.exists():
        into[name] = hottest_frames(raw.read_text())


def hottest_frames(folded: str, *, top: int = 25) -> str:
    """Where the workers spend their time: inclusive share per function outside gunicorn's
    own loop, and the leaf (self) share per function."""
    inclusive: Counter[str] = Counter()
    leaf: Counter[str] = Counter()
    total = 0
    for line in folded.splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        total += int(count)
        frames = [_frame(f) for f in stack.split(";") if "(" in f]
        for frame in set(frames):
            if not frame.endswith("(gunicorn)") and "(gunicorn/" not in frame:
                inclusive[frame] += int(count)
        if frames:
            leaf[frames[-1]] += int(count)
    if not total:
        return ""
    rows = ["| inclusive | function |", "| ---: | --- |"]
    rows += [f"| {n / total:.1%} | `{frame}` |" for frame, n in inclusive.most_common(top)]
    rows += ["", "| self | function |", "| ---: | --- |"]
    rows += [f"| {n / total:.1%} | `{frame}` |" for frame, n in leaf.most_common(top)]
    return "\n".join(rows)


def _frame(frame: str) -> str:
    name, _, location = frame.partition(" (")
    path = location.rstrip(")").rsplit(":", 1)[0]
    for marker in ("/site-packages/", f"{ROOT}/"):
        path = path.split(marker, 1)[-1]
    return f"{name} ({path})"


# --- Report -------------------------------------------------------------------------------------


def table(results: list[Result], floor: Result, *, connections: int, seconds: float) -> str:
    rows = [
        f"Load benchmark, {connections} connections, {seconds:.0f} s per URL, gunicorn "
        f"(deploy/gunicorn.conf.py, {os.environ.get('WEB_CONCURRENCY') or os.cpu_count() * 2 + 1}"
        f" workers) on {os.cpu_count()} cores, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        "| URL | requests/s | p50 ms | p99 ms | share of floor | SQL queries | errors | target |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for result in results:
        share = result.requests_per_s / floor.requests_per_s
        goals = [f"p99 < {TARGET_P99_MS:.0f} ms"]
        met = result.p99_ms < TARGET_P99_MS and not result.errors
        if result.name in SHARE_TARGETS:
            goals.insert(0, f">= {TARGET_SHARE:.0%}")
            met = met and share >= TARGET_SHARE
        if result is floor:
            goals = ["—"]
        verdict = "" if result is floor else (" ✓" if met else " ✗")
        rows.append(
            f"| {result.name} `{result.path.split('?')[0]}` | {result.requests_per_s:.0f} | "
            f"{result.p50_ms:.1f} | {result.p99_ms:.1f} | {share:.0%} | {result.queries} | "
            f"{result.errors} | "
            f"{', '.join(goals)}{verdict} |"
        )
    return "\n".join(rows) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=15, help="seconds per URL")
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
    with gunicorn(port, log_path) as server:
        for target in [floor_target, *pages]:
            status, body = fetch(port, target)
            if status != 200:
                raise SystemExit(f"{target.path} answered {status}:\n{body[:2000].decode()}")
        print(
            f"gunicorn on port {port}; {args.duration:.0f} s per URL after "
            f"{args.warmup:.0f} s warm-up",
            flush=True,
        )
        measured = []
        for target in [floor_target, *pages, floor_target]:
            run_load(port, target, seconds=args.warmup, connections=args.connections)
            if args.profile and target is not floor_target:
                with profiled(server.pid, target.name, args.duration, profiles):
                    result = run_load(
                        port, target, seconds=args.duration, connections=args.connections
                    )
            else:
                result = run_load(port, target, seconds=args.duration, connections=args.connections)
            print(
                f"  {result.name:<22} {result.requests_per_s:8.0f} req/s  "
                f"p50 {result.p50_ms:6.1f} ms  p99 {result.p99_ms:6.1f} ms",
                flush=True,
            )
            result.queries = queries[target.name]
            measured.append(result)
    # The floor runs first and last; its mean is the yardstick for the pages between.
    first, *page_results, last = measured
    floor = Result(
        "floor",
        floor_target.path,
        (first.requests_per_s + last.requests_per_s) / 2,
        (first.p50_ms + last.p50_ms) / 2,
        max(first.p99_ms, last.p99_ms),
        first.requests + last.requests,
        first.errors + last.errors,
        first.queries,
    )
    report = table(
        [floor, *page_results], floor, connections=args.connections, seconds=args.duration
    )
    report += (
        f"\nFloor: the mean of a run before ({first.requests_per_s:.0f}/s) and after "
        f"({last.requests_per_s:.0f}/s) the pages. Target: directory and practice page >= "
        f"{TARGET_SHARE:.0%} of the floor's requests/s, p99 < {TARGET_P99_MS:.0f} ms.\n"
    )
    if args.profile:
        report += (
            "\nProfiled run: py-spy sampled the workers during each page (not the floor), so "
            "these shares understate the pages; take figures from a run without --profile.\n"
        )
    print("\n" + report)
    (ROOT / "var" / "bench-load.md").write_text(report)
    if profiles:
        text = "\n\n".join(f"## {name}\n\n{frames}" for name, frames in profiles.items())
        (ROOT / "var" / "bench-load-profile.md").write_text(text + "\n")
        print(f"Profiles: {ROOT / 'var' / 'bench-load-profile.md'}")


if __name__ == "__main__":
    main()
