"""Anonymised research statistics (policy § 2): counts per coarse group, small groups dropped.

Each dataset is a function returning rows of group columns plus a "count" column; only
aggregates, never identifiers, months instead of dates, price and duration in bands. Groups
smaller than k are suppressed (k-anonymity). The apps add their datasets with `dataset(...)`
(practices: sign-ups, session types; bookings: sessions per specialty and month, cancellation
rates)."""

from collections.abc import Callable, Iterable
from typing import Any

Row = dict[str, Any]
Dataset = Callable[[], Iterable[Row]]
DATASETS: dict[str, Dataset] = {}


def dataset(name: str) -> Callable[[Dataset], Dataset]:
    def register(func: Dataset) -> Dataset:
        DATASETS[name] = func
        return func

    return register


def suppress_small_groups(rows: Iterable[Row], k: int) -> list[Row]:
    return [row for row in rows if row["count"] >= k]


def research_export(*, k: int) -> dict[str, list[Row]]:
    return {name: suppress_small_groups(build(), k) for name, build in DATASETS.items()}
