"""Django's Redis cache, reusing one redis client per connection pool, and living through an
outage of Redis.

Django's RedisCacheClient builds a new `redis.Redis` around the pool for every cache call, and
building one (its table of response callbacks) costs more than a GET on loopback. Pages make one
to three cache calls each (the cookie policy version, the directory's listing), so the site
keeps the client. A client is only a front for the pool: it holds no connection of its own and
is safe to share; the pool still hands out connections per call and re-creates them after a
fork.

When Redis fails, the cache counts it as down for REDIS_RETRY_SECONDS (sofadoc/outage.py) and,
in that time, fails at once instead of waiting out a socket timeout on every call. What then?
- allauth's keys (rate limits with their locks, used TOTP codes: "allauth:…", "allauth.…") go
  to a local-memory cache of this process. allauth calls the cache without catching anything,
  so without this nobody could log in, sign up or reset a password while Redis is down. A limit
  per process is weaker than a shared one (each worker counts on its own), but it still limits.
- Every other key raises `CacheUnavailable` (a redis ConnectionError), as Redis itself would:
  its callers (page cache, version counters, listings) already treat an error as "render
  without the cache". A local copy would be wrong for them: another process could not retire it.
"""

from collections.abc import Callable, Iterable
from contextvars import ContextVar
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError

from sofadoc.outage import Breaker

# allauth's rate-limit keys start "allauth:rl:", its used-TOTP-code keys "allauth.mfa.".
LOCAL_FALLBACK_PREFIX = "allauth"

T = TypeVar("T")

# The current request's prefetched values (sofadoc/prefetch.py), None outside one. MISSING
# stands for "not in Redis", so a miss is answered from the copy too.
prefetched: ContextVar[dict[str, Any] | None] = ContextVar("prefetched", default=None)
MISSING = object()


def prefetched_value(key: str) -> Any:
    """The value at `key` in the current request's prefetched copy (None where Redis had
    none), or MISSING when the copy does not hold the key or there is no copy."""
    copy = prefetched.get()
    if copy is None:
        return MISSING
    value = copy.get(key, MISSING)
    return None if value is MISSING and key in copy else value


def cache_read(read: Callable[[], T], *, down: T) -> T:
    """`read()` (one or more calls to the cache), or `down` when the cache fails: a cache
    outage never takes a page down, the caller renders or asks the database instead. Any error
    counts, not only Redis's own: a cache is an optimisation, whatever breaks in it."""
    try:
        return read()
    except Exception:
        return down


class CacheUnavailable(RedisConnectionError):
    """Redis failed a moment ago; this call did not try it again."""


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
        self.breaker = Breaker("cache", pause=getattr(settings, "REDIS_RETRY_SECONDS", 2.0))
        # The name makes it this backend's own store, apart from any other LocMemCache.
        self._local = LocMemCache(f"sofadoc-redis-fallback-{id(self)}", {})

    def _guarded(self, name, key, *args, **kwargs):
        local = isinstance(key, str) and key.startswith(LOCAL_FALLBACK_PREFIX)
        call_args = args if key is None else (key, *args)
        if self.breaker.is_open():
            if local:
                return getattr(self._local, name)(*call_args, **kwargs)
            raise CacheUnavailable(f"Redis failed less than {self.breaker.pause} s ago")
        try:
            result = getattr(super(), name)(*call_args, **kwargs)
        except RedisError as error:
            self.breaker.failed(error)
            if local:
                return getattr(self._local, name)(*call_args, **kwargs)
            raise
        self.breaker.succeeded()
        return result

    # Reads answer from the request's prefetched copy when it holds every key asked for; writes
    # go to Redis and drop their keys from the copy, so a request reads what it wrote.

    def get(self, key, default=None, version=None):
        copy = prefetched.get()
        if copy is not None and version is None and key in copy:
            value = copy[key]
            return default if value is MISSING else value
        return self._guarded("get", key, default, version)

    def get_many(self, keys, version=None):
        copy = prefetched.get()
        if copy is not None and version is None and all(key in copy for key in keys):
            return {key: copy[key] for key in keys if copy[key] is not MISSING}
        return self._guarded("get_many", None, keys, version)

    def prefetch(self, keys: list[str]) -> dict[str, Any]:
        """The values at `keys`, MISSING for absent ones, in one round trip."""
        found = self._guarded("get_many", None, keys)
        return {key: found.get(key, MISSING) for key in keys}

    def _forget(self, keys: Iterable[str]) -> None:
        copy = prefetched.get()
        if copy is not None:
            for key in keys:
                copy.pop(key, None)

    def add(self, key, *args, **kwargs):
        self._forget([key])
        return self._guarded("add", key, *args, **kwargs)

    def set(self, key, *args, **kwargs):
        self._forget([key])
        return self._guarded("set", key, *args, **kwargs)

    def touch(self, key, *args, **kwargs):
        self._forget([key])
        return self._guarded("touch", key, *args, **kwargs)

    def delete(self, key, *args, **kwargs):
        self._forget([key])
        return self._guarded("delete", key, *args, **kwargs)

    def incr(self, key, *args, **kwargs):
        self._forget([key])
        return self._guarded("incr", key, *args, **kwargs)

    def has_key(self, key, *args, **kwargs):
        return self._guarded("has_key", key, *args, **kwargs)

    def set_many(self, data, *args, **kwargs):
        self._forget(data)
        return self._guarded("set_many", None, data, *args, **kwargs)

    def delete_many(self, keys, *args, **kwargs):
        keys = list(keys)
        self._forget(keys)
        return self._guarded("delete_many", None, keys, *args, **kwargs)

    def clear(self):
        copy = prefetched.get()
        if copy is not None:
            copy.clear()
        return self._guarded("clear", None)
