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


_sources: list[BusySource] = []


def register_busy_source(source: BusySource) -> BusySource:
    """Add a source once (AppConfig.ready may run twice under some test runners)."""
    if source not in _sources:
        _sources.append(source)
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


def _by_start(interval: Interval) -> datetime:
    return interval.start


__all__ = ["BusySource", "practice_busy_intervals", "register_busy_source"]
