"""Where the slot engine learns which time of a coach is already taken.

Practices must not import the apps built on top of it (bookings, external calendars), so those
apps register a *busy source* here from their AppConfig.ready():

    register_busy_source(booking_busy_seconds)
    def booking_busy_seconds(*, practice_ids, start, end, ignore=()) -> dict[int, list[tuple]]: ...

A source returns, per practice id, the *blocked* time (buffers included) that overlaps
[start, end), as (start, end) seconds since the epoch: the slot engine's own unit, so a source
reading hundreds of intervals from the database makes no datetime for any of them. It leaves out
any of its own intervals equal to one in `ignore` (the blocked time of a booking being moved,
as datetimes). It may merge touching or overlapping intervals (the bookings source does so in
the database), which is why `ignore` is applied by the source and not afterwards. With no
source registered every coach is free, which is true before bookings exist.
"""

from __future__ import annotations

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
    ) -> dict[int, list[tuple[float, float]]]: ...


_sources: list[BusySource] = []


def register_busy_source(source: BusySource) -> BusySource:
    """Add a source once (AppConfig.ready may run twice under some test runners)."""
    if source not in _sources:
        _sources.append(source)
    return source


def practice_busy_seconds(
    *,
    practice_ids: Iterable[int],
    start: datetime,
    end: datetime,
    ignore: Collection[Interval] = (),
) -> dict[int, list[tuple[float, float]]]:
    """Blocked time per practice id from every registered source, as (start, end) seconds since
    the epoch, in no particular order (the slot engine sorts and merges them)."""
    ids = list(practice_ids)
    merged: dict[int, list[tuple[float, float]]] = {pid: [] for pid in ids}
    for source in _sources:
        for practice_id, intervals in source(
            practice_ids=ids, start=start, end=end, ignore=ignore
        ).items():
            merged.setdefault(practice_id, []).extend(intervals)
    return merged


__all__ = ["BusySource", "practice_busy_seconds", "register_busy_source"]
