"""Pinning SQL query counts: the suite's one way of doing it.

``pinned_queries`` counts the statements run inside its block and fails with every one of them
listed, so an N+1 or a lost cache shows what it costs. It pins an exact number, a ceiling, or
both; the context it yields can be measured afterwards (``len``) where a test compares two
runs (the same count for 3 or 30 practices). ``touching`` narrows the count to statements that
name a table, e.g. the session table. Measure warm requests where a process-wide cache would
otherwise make the number depend on the order the tests run in.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection
from django.test.utils import CaptureQueriesContext


class Counted:
    """The statements one block ran (those touching the table asked for, if any)."""

    def __init__(self) -> None:
        self.sql: list[str] = []

    def __len__(self) -> int:
        return len(self.sql)


@contextmanager
def pinned_queries(
    exactly: int | None = None, *, at_most: int | None = None, touching: str | None = None
) -> Iterator[Counted]:
    counted = Counted()
    with CaptureQueriesContext(connection) as captured:
        yield counted
    counted.sql = [
        query["sql"]
        for query in captured.captured_queries
        if touching is None or touching in query["sql"]
    ]
    listing = "\n".join(f"  {number}. {sql}" for number, sql in enumerate(counted.sql, 1))
    if exactly is not None:
        assert len(counted) == exactly, f"{len(counted)} queries, pinned at {exactly}:\n{listing}"
    if at_most is not None:
        assert len(counted) <= at_most, (
            f"{len(counted)} queries, pinned at most {at_most}:\n{listing}"
        )
