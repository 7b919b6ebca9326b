"""What a process keeps in its own memory between requests, bounded.

Several hot paths keep small answers per process: rendered fragments, a practice's free times
and booking panel under its versions, whose each session key is. Their keys carry what the
answer rests on (versions, content), so an entry is never stale, only unused. `Kept` bounds
such a dict: when it is full it starts over. That costs one recomputation per entry now and
then, and nothing on a hit (an LRU would book-keep on every read).
"""

from __future__ import annotations

from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Kept(dict[K, V]):
    """A dict of at most `limit` entries, filled through `keep`."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def keep(self, key: K, value: V) -> V:
        if len(self) >= self.limit and key not in self:
            self.clear()
        self[key] = value
        return value
