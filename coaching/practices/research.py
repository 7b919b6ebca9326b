"""Practices' anonymised research statistics (privacy policy § 2): sign-ups per month and role,
session types in duration and price bands; no people."""

from collections import Counter
from itertools import pairwise

from django.db.models import Count, Exists, OuterRef
from django.db.models.functions import TruncMonth

from coaching.practices.models import Practice, SessionType
from privacy.research import dataset
from sofadoc.accounts.models import User


@dataset("signups_per_month")
def signups_per_month():
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
    counter = Counter()
    for duration, price in SessionType.objects.filter(practice__owner__is_demo=False).values_list(
        "duration_minutes", "price"
    ):
        counter[(_band(duration, [0, 30, 60, 90, 120]), _band(int(price), [0, 50, 100, 150]))] += 1
    for (duration, price), count in sorted(counter.items()):
        yield {"duration_minutes": duration, "price_eur": price, "count": count}
