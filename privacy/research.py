"""Anonymised research statistics (policy § 2): counts per coarse group, small groups dropped.

Each dataset is a function returning rows of group columns plus a "count" column; only
aggregates, never identifiers, months instead of dates, price and duration in bands. Groups
smaller than k are suppressed (k-anonymity). Other apps add datasets with `dataset(...)`
(bookings: sessions per specialty and month, cancellation rates)."""

from collections.abc import Callable, Iterable
from itertools import pairwise

from django.db.models import Count, Exists, OuterRef
from django.db.models.functions import TruncMonth

DATASETS: dict[str, Callable[[], Iterable[dict]]] = {}


def dataset(name: str):
    def register(func):
        DATASETS[name] = func
        return func

    return register


def suppress_small_groups(rows: Iterable[dict], k: int) -> list[dict]:
    return [row for row in rows if row["count"] >= k]


@dataset("signups_per_month")
def signups_per_month():
    from coaching.practices.models import Practice
    from sofadoc.accounts.models import User

    coaches = Practice.objects.filter(owner=OuterRef("pk"))
    rows = (
        User.objects.filter(is_staff=False, is_demo=False)
        .annotate(month=TruncMonth("created_at"), coach=Exists(coaches))
        .values("month", "language", "coach")
        .annotate(count=Count("pk"))
        .order_by("month", "language", "coach")
    )
    for row in rows:
        yield {
            "month": row["month"].strftime("%Y-%m"),
            "language": row["language"],
            "role": "coach" if row["coach"] else "client",
            "count": row["count"],
        }


def _band(value, edges):
    for low, high in pairwise(edges):
        if low <= value < high:
            return f"{low}-{high}"
    return f"{edges[-1]}+"


@dataset("session_types")
def session_types():
    from collections import Counter

    from coaching.practices.models import SessionType

    counter = Counter()
    for duration, price in SessionType.objects.filter(practice__owner__is_demo=False).values_list(
        "duration_minutes", "price"
    ):
        counter[(_band(duration, [0, 30, 60, 90, 120]), _band(int(price), [0, 50, 100, 150]))] += 1
    for (duration, price), count in sorted(counter.items()):
        yield {"duration_minutes": duration, "price_eur": price, "count": count}


def research_export(*, k: int) -> dict[str, list[dict]]:
    return {name: suppress_small_groups(build(), k) for name, build in DATASETS.items()}
