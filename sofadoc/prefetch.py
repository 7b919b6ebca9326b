"""The cache values a signed-in person's request reads, fetched from Redis in one round trip.

Every page someone signed in sees reads a few small per-person values: whether new terms wait
for their consent, their inbox's unread count, their unread client messages, the cookie policy
version. Each was its own round trip to Redis (four to six per page, a fifth of a signed-in
page's time under load: bench.load's profile). Apps name those keys here, from their
`AppConfig.ready()`:

    prefetch.register(lambda user_id: [consent_version_key(user_id), ...])
    prefetch.register_for_path(lambda path: [...])  # keys a page at `path` reads

and `PrefetchMiddleware`, once the session says who is asking, reads them all with one MGET.
The session itself is read in that MGET too: the process remembers whose each session key was
(a key never changes hands: signing in gives a new one), reads the session with that person's
values and checks the session still names them; a session that does not is read again alone.
The cache backend (sofadoc.cache.RedisCache) answers later reads of those keys in the same
request from that copy, and forgets a key the request writes. So a request reads the values
as they were when it started, as if it had read them all at once then. Version keys may be
among them: a version read before the data it guards can only retire a copy too early, never
keep one too long (sofadoc.pagecache).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.contrib.auth import SESSION_KEY
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches

from sofadoc.cache import cache_read, prefetched
from sofadoc.kept import Kept

KeysFor = Callable[[int], Iterable[str]]
KeysAt = Callable[[str], Iterable[str]]

_registry: list[KeysFor] = []
_path_registry: list[KeysAt] = []

# Session key -> the person it signed in, as last seen by this process.
_session_users: Kept[str, int] = Kept(4096)


def register(keys_for: KeysFor) -> None:
    """`keys_for(user_id)` names cache keys every request of that person may read."""
    _registry.append(keys_for)


def register_for_path(keys_at: KeysAt) -> None:
    """`keys_at(path)` names cache keys a signed-in request for `path` may read."""
    _path_registry.append(keys_at)


def keys_for(user_id: int) -> list[str]:
    return [key for keys_of in _registry for key in keys_of(user_id)]


def keys_at(path: str) -> list[str]:
    return [key for keys_of in _path_registry for key in keys_of(path)]


class PrefetchMiddleware:
    """After AuthenticationMiddleware: one MGET for the session and the signed-in person's
    registered keys."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        fetch = getattr(cache, "prefetch", None)
        session = getattr(request, "session", None)
        if fetch is None or session is None or not _registry:
            return self.get_response(request)
        copy = None
        session_key = session.session_key  # before loading, which forgets a key it cannot find
        guess = _session_users.get(session_key) if session_key else None
        if guess is not None and getattr(session, "_cache", None) is caches[DEFAULT_CACHE_ALIAS]:
            # The session and its person's values at once; the session store reads its data
            # from the copy (it asks the same cache).
            copy = cache_read(
                lambda: fetch([session.cache_key, *keys_for(guess), *keys_at(request.path)]),
                down=None,
            )
            token = prefetched.set(copy)
            try:
                user_id = session.get(SESSION_KEY)
            finally:
                prefetched.reset(token)
            if user_id is None or int(user_id) != guess:
                copy = None  # another person's values (or nobody's): never used
                _session_users.pop(session_key, None)
        else:
            user_id = session.get(SESSION_KEY)
        if user_id is None:
            return self.get_response(request)
        if copy is None:
            keys = [*keys_for(int(user_id)), *keys_at(request.path)]
            copy = cache_read(lambda: fetch(keys), down=None)
            if session.session_key:
                _session_users.keep(session.session_key, int(user_id))
        token = prefetched.set(copy)
        try:
            return self.get_response(request)
        finally:
            prefetched.reset(token)
