"""Where the slot engine learns which time of a coach is already taken.

Practices must not import the apps built on top of it (bookings, later perhaps external
calendars), so those apps register a *busy source* here from their AppConfig.ready():

    @register_busy_source
    def booking_busy(*, practice_ids, start, end, ignore=()) -> dict[int, list[Interval]]: ...

A source returns, per practice id, the *blocked* intervals (buffers included, UTC) that overlap
[start, end), leaving out any of its own intervals equal to one in `ignore` (the blocked time of a
booking being moved). It may merge touching or overlapping intervals (the bookings source does so
in the database), which is why `ignore` is applied by the source and not afterwards. With no
source registered every coach is free, which is true before bookings exist.

A source may also give the same time as (start, end) seconds since the epoch
(`register_busy_source(source, seconds=...)`): the slot engine works in seconds, and a source
reading hundreds of intervals from the database then makes no datetime for any of them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from datetime import datetime
from typing import Protocol

from coaching.practices.availability import Interval


class BusySource(Protocol):
    def __call__(
        self,
        *,
        practice_ids: Iterable[int],
        start: datetime,
        end: datetime,
        ignore: Collection[Interval] = (),
    ) -> dict[int, list[Interval]]: ...


class BusySecondsSource(Protocol):
    def __call__(
        self,
        *,
        practice_ids: Iterable[int],
        start: datetime,
        end: datetime,
        ignore: Collection[Interval] = (),
    ) -> dict[int, list[tuple[float, float]]]: ...


_sources: list[BusySource] = []
_seconds: dict[BusySource, BusySecondsSource] = {}


def register_busy_source(
    source: BusySource, *, seconds: BusySecondsSource | None = None
) -> BusySource:
    """Add a source once (AppConfig.ready may run twice under some test runners); `seconds`
    answers the same as `source` does, in seconds since the epoch."""
    if source not in _sources:
        _sources.append(source)
    if seconds is not None:
        _seconds[source] = seconds
    return source


def practice_busy_intervals(
    *,
    practice_ids: Iterable[int],
    start: datetime,
    end: datetime,
    ignore: Collection[Interval] = (),
) -> dict[int, list[Interval]]:
    """Blocked intervals per practice id from every registered source, sorted by start."""
    ids = list(practice_ids)
    merged: defaultdict[int, list[Interval]] = defaultdict(list)
    for source in _sources:
        for practice_id, intervals in source(
            practice_ids=ids, start=start, end=end, ignore=ignore
        ).items():
            merged[practice_id].extend(intervals)
    return {pid: sorted(merged[pid], key=_by_start) for pid in ids}


def practice_busy_seconds(
    *,
    practice_ids: Iterable[int],
    start: datetime,
    end: datetime,
    ignore: Collection[Interval] = (),
) -> dict[int, list[tuple[float, float]]]:
    """practice_busy_intervals as (start, end) seconds since the epoch, in no particular order
    (the slot engine sorts and merges them)."""
    ids = list(practice_ids)
    merged: dict[int, list[tuple[float, float]]] = {pid: [] for pid in ids}
    for source in _sources:
        in_seconds = _seconds.get(source)
        if in_seconds is not None:
            found = in_seconds(practice_ids=ids, start=start, end=end, ignore=ignore)
        else:
            found = {
                practice_id: [(i.start.timestamp(), i.end.timestamp()) for i in intervals]
                for practice_id, intervals in source(
                    practice_ids=ids, start=start, end=end, ignore=ignore
                ).items()
            }
        for practice_id, intervals in found.items():
            merged.setdefault(practice_id, []).extend(intervals)
    return merged


def _by_start(interval: Interval) -> datetime:
    return interval.start


__all__ = [
    "BusySecondsSource",
    "BusySource",
    "practice_busy_intervals",
    "practice_busy_seconds",
    "register_busy_source",
]
