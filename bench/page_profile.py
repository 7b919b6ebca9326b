"""Where a signed-in page's time goes, in this process: cProfile over the full request path.

    .venv/bin/python -m bench.page_profile [--requests 300] [--only NAME] [--top 30]

The same pages, settings (bench.load_settings: production middleware, DEBUG off, Redis cache,
the PostgreSQL pool) and data as bench.load (its database, built on first run), requested
through Django's WSGI handler without sockets or gunicorn. For each page: the median time of a
request beside the floor's (the bare view behind the same middleware) measured alternately in
the same loop, so the in-process share is comparable with bench.load's; then a cProfile of the
page grouped by where the time is spent (template rendering, SQL, cache, sessions, the slot
engine ...) and the functions with the most time of their own. The profile goes to stdout and
var/page-profile.md.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import time
from pathlib import Path

from bench.common import setup_django

ROOT = Path(__file__).resolve().parent.parent

# Where a function's own CPU time is booked: the first pattern its file name matches.
BUCKETS = [
    ("templates (django.template, i18n tags)", ("django/template", "templatetags/i18n")),
    ("translation lookups (gettext)", ("gettext", "django/utils/translation")),
    ("SQL (psycopg, pool, ORM compile)", ("psycopg", "django/db/backends")),
    ("ORM (models, queryset, loading rows)", ("django/db/models",)),
    ("Redis cache / sessions (redis-py, pickle)", ("redis/", "django_redis", "cache/backends")),
    ("sessions, auth, allauth", ("contrib/sessions", "contrib/auth", "allauth")),
    ("slot engine and busy time", ("practices/availability", "practices/busy")),
    ("URL reversing / resolving", ("django/urls",)),
    ("middleware and handler", ("django/core/handlers", "django/middleware", "middleware")),
    ("SofaDoc code (other)", ("coaching/", "sofadoc/", "privacy/")),
]


def _bucket(filename: str) -> str:
    for name, patterns in BUCKETS:
        if any(p in filename for p in patterns):
            return name
    return "other (stdlib, csp, whitenoise, ...)"


def client_for(target):
    from django.test import Client

    from bench.load_driver import headers

    return Client(
        HTTP_HOST="localhost",
        **{f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers(target).items()},
    )


def timed_pair(page_client, page_path, floor_client, requests: int, clock) -> tuple[float, float]:
    """Median ms of the page and of the floor on `clock`, requested alternately (a noisy
    machine moves both alike)."""
    page_ms, floor_ms = [], []
    for _ in range(requests):
        started = clock()
        floor_client.get("/bench/floor/")
        floor_ms.append((clock() - started) * 1000)
        started = clock()
        response = page_client.get(page_path)
        page_ms.append((clock() - started) * 1000)
        assert response.status_code == 200, (page_path, response.status_code)
    return statistics.median(page_ms), statistics.median(floor_ms)


def client_queries(client, path: str) -> str:
    import redis

    from bench.common import count_queries

    commands = []
    original = redis.Redis.execute_command

    def counted(self, *args, **kwargs):
        commands.append(str(args[0]))
        return original(self, *args, **kwargs)

    redis.Redis.execute_command = counted
    try:
        with count_queries() as statements:
            client.get(path)
    finally:
        redis.Redis.execute_command = original
    return f"{len(statements)} SQL, {len(commands)} Redis ({' '.join(commands)})"


def profile_text(client, path: str, requests: int, top: int) -> str:
    # CPU time of this process: on a shared machine, waiting for the CPU (or for Redis and
    # PostgreSQL, whose own CPU shows in bench.load) would otherwise drown what the code costs.
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for _ in range(requests):
        client.get(path)
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = sum(row[2] for row in stats.stats.values())  # own time of every function
    buckets: dict[str, float] = {}
    for (filename, _line, _name), row in stats.stats.items():
        buckets[_bucket(filename)] = buckets.get(_bucket(filename), 0.0) + row[2]
    lines = ["| where (own time) | share | ms per request |", "| --- | ---: | ---: |"]
    for name, seconds in sorted(buckets.items(), key=lambda item: -item[1]):
        lines.append(f"| {name} | {seconds / total:.0%} | {seconds * 1000 / requests:.2f} |")
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
    hottest = out.getvalue().split("ncalls", 1)[-1]
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(top)
    cumulative = out.getvalue().split("ncalls", 1)[-1]
    return (
        "\n".join(lines)
        + f"\n\nOwn time, top {top} (profiled: cProfile slows every call alike)\n\n```\n   ncalls"
        + hottest
        + f"```\n\nCumulative, top {top}\n\n```\n   ncalls"
        + cumulative
        + "```\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--only", help="only the pages whose name contains this")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--no-profile", action="store_true", help="timings only")
    args = parser.parse_args()

    from bench import load

    os.environ.setdefault("DATABASE_URL", load.LOAD_DATABASE_URL)
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
    os.environ.update(load.server_environment(0))
    setup_django()
    from django.core.management import call_command

    # As bench.load: production static files (the manifest {% static %} reads).
    call_command("collectstatic", "--no-input", verbosity=0)
    load.directory.build()
    load.build_bookings()

    from bench.load_driver import Target

    pages = [t for t in load.targets() if t.cookie or t.name == "practice page"]
    pages += [t for t in load.targets() if t.name == "directory"]
    if args.only:
        pages = [t for t in pages if args.only in t.name]
    floor = Target("floor", "/bench/floor/")
    floor_client = client_for(floor)
    sections = []
    for target in pages:
        client = client_for(target)
        for _ in range(20):  # warm: process caches, Redis entries
            client.get(target.path)
            floor_client.get(floor.path)
        wall, wall_floor = timed_pair(
            client, target.path, floor_client, args.requests, time.perf_counter
        )
        cpu, cpu_floor = timed_pair(
            client, target.path, floor_client, args.requests, time.process_time
        )
        line = (
            f"{target.name:<22} CPU {cpu:6.2f} ms (floor {cpu_floor:4.2f}, share "
            f"{cpu_floor / cpu:4.0%}); wall {wall:6.2f} ms (floor {wall_floor:4.2f}, share "
            f"{wall_floor / wall:4.0%}) {client_queries(client, target.path)}"
        )
        print(line, flush=True)
        section = f"## {target.name} `{target.path.split('?')[0]}`\n\n{line}\n"
        if not args.no_profile:
            section += "\n" + profile_text(client, target.path, args.requests, args.top)
        sections.append(section)
    report = f"Load average {os.getloadavg()[0]:.1f}\n\n" + "\n".join(sections)
    (ROOT / "var").mkdir(exist_ok=True)
    (ROOT / "var" / "page-profile.md").write_text(report)
    if not args.no_profile:
        print("\nProfiles: var/page-profile.md")


if __name__ == "__main__":
    main()
