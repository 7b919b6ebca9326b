"""What passes between the two pages of a room through the server without being stored: the
demo twin's stand-in for Twilio's DataTrack (chat when no Twilio is reachable), and each side's
network quality level for the other's indicator. Both live in the cache (Redis) for minutes at
most and are never written to the database, as with the DataTrack."""

from __future__ import annotations

from django.core.cache import cache

KEEP_SECONDS = 300
MAX_LENGTH = 1000
PER_POLL = 50


def _key(room_id: int, part: str) -> str:
    return f"video-twin:{room_id}:{part}"


def twin_chat_send(*, room_id: int, role: str, text: str) -> int:
    """Pass a message on; returns its number in the room."""
    counter = _key(room_id, "count")
    cache.add(counter, 0, KEEP_SECONDS)
    number = cache.incr(counter)
    cache.set(_key(room_id, f"m{number}"), {"n": number, "from": role, "text": text}, KEEP_SECONDS)
    return number


def twin_chat_since(*, room_id: int, after: int) -> list[dict]:
    """Messages after number `after` that are still passing through, oldest first."""
    last = cache.get(_key(room_id, "count")) or 0
    numbers = range(max(after + 1, last - PER_POLL + 1), last + 1)
    found = cache.get_many([_key(room_id, f"m{n}") for n in numbers])
    return sorted(found.values(), key=lambda m: m["n"])


NET_SECONDS = 30


def net_report(*, room_id: int, role: str, level: int) -> None:
    """This side's network quality, 0 (none) to 5 (very good), as its page measures it."""
    cache.set(_key(room_id, f"net-{role}"), level, NET_SECONDS)


def net_of(*, room_id: int, role: str) -> int | None:
    return cache.get(_key(room_id, f"net-{role}"))
