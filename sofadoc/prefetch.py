"""The cache values a signed-in person's request reads, fetched from Redis in one round trip.

Every page someone signed in sees reads a few small per-person values: whether new terms wait
for their consent, their inbox's unread count, their unread client messages, the cookie policy
version. Each was its own round trip to Redis (four to six per page, a fifth of a signed-in
page's time under load: bench.load's profile). Apps name those keys here, from their
`AppConfig.ready()`:

    prefetch.register(lambda user_id: [consent_version_key(user_id), ...])

and `PrefetchMiddleware`, once the session says who is asking, reads them all with one MGET.
A page that knows from its address alone what it will read (the booking page: its practice's
cached rows and versions) adds those keys with `register_for_request`.
The cache backend (sofadoc.cache.RedisCache) answers later reads of those keys in the same
request from that copy, and forgets a key the request writes. So a request reads the values
as they were when it started, as if it had read them all at once then; version checks that
must see changes made while a page renders (sofadoc.pagecache.depends_on) use keys that are
never prefetched.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.http import HttpRequest

from sofadoc.cache import cache_read, prefetched

KeysFor = Callable[[int], Iterable[str]]

_registry: list[KeysFor] = []
_request_registry: list[Callable[[HttpRequest], Iterable[str]]] = []


def register(keys_for: KeysFor) -> None:
    """`keys_for(user_id)` names cache keys every request of that person may read."""
    _registry.append(keys_for)


def register_for_request(keys_for: Callable[[HttpRequest], Iterable[str]]) -> None:
    """`keys_for(request)` names cache keys this signed-in request will read, from its method
    and address (nothing for requests it does not know); once per process."""
    if keys_for not in _request_registry:
        _request_registry.append(keys_for)


def keys_for(user_id: int) -> list[str]:
    return [key for keys_of in _registry for key in keys_of(user_id)]


class PrefetchMiddleware:
    """After AuthenticationMiddleware: one MGET for the signed-in person's registered keys."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user_id = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
        fetch = getattr(cache, "prefetch", None)
        if user_id is None or fetch is None or not _registry:
            return self.get_response(request)
        keys = keys_for(int(user_id))
        keys += [key for keys_of in _request_registry for key in keys_of(request)]
        copy = cache_read(lambda: fetch(keys), down=None)
        token = prefetched.set(copy)
        try:
            return self.get_response(request)
        finally:
            prefetched.reset(token)
