"""Fault benchmark: booking and login load on gunicorn while Redis, then PostgreSQL, go away.

    .venv/bin/python -m bench.faults [--clients 4] [--window 20] [--redis-outage 60]
                                     [--postgres-outage 20] [--rounds 2]

Starts a PostgreSQL and a Redis of its own on free ports (tests/faults/services.py, as the fault
suite does; the shared servers are never touched), migrates and seeds a database, and runs the
site in gunicorn with deploy/gunicorn.conf.py and the production settings (bench.load_settings;
PayPal faked in each web process, plain http so the load client keeps its cookies). Clients
(threads) sign in, book a free slot and pay, again and again (tests/faults/load.py). Each round:

    before (window) | Redis stopped (redis-outage) | after (window) |
    PostgreSQL stopped (postgres-outage) | after (window)

and the rounds run back to back. Per phase it reports requests/s that succeeded, bookings and
logins per second, p99 of all requests, the errors, and the recovery time: from the service
accepting connections again to the first second at 80 % of the throughput before, with no
error after it. Targets: during the Redis outage at least half the bookings per second before
and p99 under 1 s; after PostgreSQL is back, no error. The table goes to stdout and
var/bench-faults.md, requests per second to var/bench-faults-timeline.csv.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from tests.faults.load import Sample, run_clients
from tests.faults.services import PrivatePostgres, PrivateRedis, free_port
from tests.faults.site import gunicorn, manage, prepare_database, site_environment

ROOT = Path(__file__).resolve().parent.parent
TARGET_SHARE, TARGET_P99 = 0.5, 1.0


@dataclass
class Phase:
    name: str
    start: float
    end: float
    back_at: float | None = None  # when the service accepted connections again


def _p99(values: list[float]) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    return values[max(0, int(len(values) * 0.99) - 1)]


def summarise(phase: Phase, samples: list[Sample]) -> dict:
    # By when a request ended: one in flight when a server stops fails in the outage's phase.
    inside = [s for s in samples if phase.start <= s.started + s.seconds < phase.end]
    seconds = phase.end - phase.start
    ok = [s for s in inside if s.ok]
    return {
        "phase": phase.name,
        "seconds": seconds,
        "requests_per_s": len(ok) / seconds,
        "bookings_per_s": sum(s.action == "booking detail" for s in ok) / seconds,
        "logins_per_s": sum(s.action == "login" for s in ok) / seconds,
        "p99": _p99([s.seconds for s in inside]),
        "p99_login": _p99([s.seconds for s in inside if s.action == "login"]),
        "p99_booking": _p99(
            [s.seconds for s in inside if s.action in ("hold", "pay (PayPal return)")]
        ),
        "errors": len(inside) - len(ok),
        "error_kinds": Counter((s.action, s.status) for s in inside if not s.ok),
    }


def recovery_seconds(back_at: float, until: float, samples: list[Sample], rate: float) -> float:
    """From `back_at` to the first whole second at 80 % of `rate` with no error after it."""
    ends = (s.started + s.seconds for s in samples if not s.ok)
    errors_end = max((end for end in ends if end < until), default=0.0)
    second = back_at
    while second + 1 <= until:
        done = sum(1 for s in samples if s.ok and second <= s.started + s.seconds < second + 1)
        if done >= 0.8 * rate and second >= errors_end - 1:
            return second - back_at
        second += 0.5
    return float("nan")


def timeline(phases: list[Phase], samples: list[Sample]) -> str:
    """Per second: ok and failed requests (by end time), and the phase; for a closer look."""
    if not phases:
        return ""
    origin = phases[0].start
    rows = ["second,phase,ok,errors"]
    for second in range(int(phases[-1].end - origin)):
        at = origin + second
        name = next((p.name for p in phases if p.start <= at < p.end), "")
        ended = [s for s in samples if at <= s.started + s.seconds < at + 1]
        rows.append(f"{second},{name},{sum(s.ok for s in ended)},{sum(not s.ok for s in ended)}")
    return "\n".join(rows) + "\n"


def run(args) -> str:
    port = free_port()
    with PrivatePostgres() as postgres, PrivateRedis() as redis:
        env = site_environment(
            database_url=postgres.create_database("bench_faults"),
            redis_url=redis.url(),
            port=port,
            settings_module="bench.faults_settings",
            DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
            # The load client speaks plain http on loopback and must keep its cookies.
            DJANGO_SECURE_SSL_REDIRECT="0",
            DJANGO_SECURE_COOKIES="0",
            PAYPAL_MODE="sandbox",
            PAYPAL_CLIENT_ID="bench-faults",
            PAYPAL_CLIENT_SECRET="bench-faults",  # noqa: S106 - answered by the fake
        )
        print("Migrating and seeding a database of its own...", flush=True)
        data = prepare_database(env, practices=40, clients=args.clients, days=60)
        manage(env, "collectstatic", "--no-input", "-v", "0")
        (ROOT / "var").mkdir(exist_ok=True)
        log = ROOT / "var" / "bench-faults-gunicorn.log"
        workers = int(os.environ.get("WEB_CONCURRENCY") or (os.cpu_count() or 1) * 2 + 1)
        with gunicorn(env, port=port, log_path=log, workers=workers):
            samples: list[Sample] = []
            stop = threading.Event()
            threads = run_clients(
                f"http://127.0.0.1:{port}",
                clients=data["clients"],
                password=data["password"],
                slots=data["slots"],
                stop=stop,
                samples=samples,
            )
            phases: list[Phase] = []

            def phase(name: str, seconds: float) -> Phase:
                began = time.monotonic()
                time.sleep(seconds)
                phases.append(Phase(name, began, time.monotonic()))
                print(f"  {name:<28} done", flush=True)
                return phases[-1]

            try:
                time.sleep(args.warmup)
                for n in range(1, args.rounds + 1):
                    phase(f"{n}: before", args.window)
                    redis.stop()
                    phase(f"{n}: Redis down", args.redis_outage)
                    redis.start()  # returns once it accepts connections
                    back_at = time.monotonic()
                    phase(f"{n}: after Redis", args.window).back_at = back_at
                    postgres.stop()
                    phase(f"{n}: PostgreSQL down", args.postgres_outage)
                    postgres.start()  # pg_ctl -w: returns once it accepts connections
                    back_at = time.monotonic()
                    phase(f"{n}: after PostgreSQL", args.window).back_at = back_at
            finally:
                stop.set()
                for thread in threads:
                    thread.join(60)
    (ROOT / "var" / "bench-faults-timeline.csv").write_text(timeline(phases, samples))
    return report(phases, samples, args)


def report(phases: list[Phase], samples: list[Sample], args) -> str:
    rows = [
        f"Fault benchmark, {args.clients} clients signing in, booking and paying, gunicorn "
        f"(deploy/gunicorn.conf.py) on {os.cpu_count()} cores, "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        "| phase | s | ok requests/s | bookings/s | logins/s | p99 s | p99 login s | "
        "p99 hold+pay s | errors | recovery s | target |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    before = None
    for phase in phases:
        figures = summarise(phase, samples)
        target, recovery = "", ""
        if phase.name.endswith("before"):
            before = figures
        elif phase.name.endswith("Redis down") and before:
            # Throughput as finished bookings (each after a sign-in): a sign-in that fails at
            # once would count as a fast request, not as work done.
            share = figures["bookings_per_s"] / before["bookings_per_s"]
            met = share >= TARGET_SHARE and figures["p99"] < TARGET_P99 and not figures["errors"]
            target = (
                f"bookings {share:.0%} of before (>= 50 %), p99 < 1 s, no error "
                f"{'✓' if met else '✗'}"
            )
        elif phase.back_at is not None and before:
            seconds = recovery_seconds(phase.back_at, phase.end, samples, before["requests_per_s"])
            recovery = f"{seconds:.1f}"
            if phase.name.endswith("after PostgreSQL"):
                target = f"no error once back {'✓' if not figures['errors'] else '✗'}"
        rows.append(
            f"| {phase.name} | {figures['seconds']:.0f} | {figures['requests_per_s']:.1f} | "
            f"{figures['bookings_per_s']:.2f} | {figures['logins_per_s']:.2f} | "
            f"{figures['p99']:.2f} | {figures['p99_login']:.2f} | {figures['p99_booking']:.2f} | "
            f"{figures['errors']} | {recovery} | {target} |"
        )
    kinds = {phase.name: summarise(phase, samples)["error_kinds"] for phase in phases}
    rows += ["", "Errors by phase (request, status; 0 = no answer):", ""]
    rows += [
        f"- {name}: " + ", ".join(f"{action} {status} × {n}" for (action, status), n in c.items())
        for name, c in kinds.items()
        if c
    ]
    rows += [
        "",
        "A request is an error when it fails (5xx, no answer) or does not answer as a browser "
        "would expect (a sign-in that does not redirect). Recovery: from the service accepting "
        "connections again to the first second at 80 % of the requests/s before, with no error "
        "after it.",
    ]
    return "\n".join(rows) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients (threads)")
    parser.add_argument("--window", type=float, default=20, help="seconds before and after")
    parser.add_argument("--redis-outage", type=float, default=60)
    parser.add_argument("--postgres-outage", type=float, default=20)
    parser.add_argument("--rounds", type=int, default=2, help="the whole sequence, back to back")
    parser.add_argument("--warmup", type=float, default=5, help="untimed seconds of load first")
    args = parser.parse_args()
    # A SIGTERM (CI, a timeout) unwinds like Ctrl-C, so every server is stopped either way.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    text = run(args)
    print("\n" + text)
    (ROOT / "var" / "bench-faults.md").write_text(text)


if __name__ == "__main__":
    main()
