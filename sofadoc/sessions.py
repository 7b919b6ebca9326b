"""Sessions read from Redis, kept in PostgreSQL: Django's `cached_db`, made to survive a Redis
outage.

A signed-in page used to start with a query for the session row; with the session in Redis it
starts with a GET on loopback. PostgreSQL stays the record (every save goes there first), so
Redis may lose or evict a session at any time: the next request reads it from the database and
puts it back. Django's own backend lets an error of the cache through on those writes, which
would turn a Redis outage into a 500 on every signed-in page; here the cache is only skipped.

A copy in Redis lives at most CACHE_SECONDS: if Redis could not be told that a session ended
(logout during an outage) or changed, its old copy outlives that by no more than this.
"""

from __future__ import annotations

import contextlib
import logging

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore

from sofadoc.cache import cache_read

logger = logging.getLogger(__name__)

CACHE_SECONDS = 600


class SessionStore(CachedDBStore):
    def load(self):
        data = cache_read(lambda: self._cache.get(self.cache_key), down=None)
        if data is not None:
            return data
        row = self._get_session_from_db()
        if not row:
            return {}
        data = self.decode(row.session_data)
        with contextlib.suppress(Exception):
            seconds = min(self.get_expiry_age(expiry=row.expire_date), CACHE_SECONDS)
            self._cache.set(self.cache_key, data, seconds)
        return data

    def exists(self, session_key):
        with contextlib.suppress(Exception):
            if session_key and (self.cache_key_prefix + session_key) in self._cache:
                return True
        return super(CachedDBStore, self).exists(session_key)

    def save(self, must_create=False):
        super(CachedDBStore, self).save(must_create)  # the database: the record
        try:
            self._cache.set(
                self.cache_key, self._session, min(self.get_expiry_age(), CACHE_SECONDS)
            )
        except Exception:
            # A copy that may now be stale must not be served: drop it, or the next load
            # would read old data. If even that fails, its expiry bounds the damage.
            logger.warning("session cache write failed; dropping the cached copy")
            with contextlib.suppress(Exception):
                self._cache.delete(self.cache_key)

    def delete(self, session_key=None):
        super(CachedDBStore, self).delete(session_key)
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        with contextlib.suppress(Exception):
            self._cache.delete(self.cache_key_prefix + session_key)

    def flush(self):
        self.clear()
        self.delete(self.session_key)
        self._session_key = None


def _forget_cached_copy(sender, instance, **kwargs) -> None:
    """A session row deleted without the store (erasure, clearsessions, the admin): its copy in
    Redis must not keep the person signed in."""
    with contextlib.suppress(Exception):
        SessionStore()._cache.delete(SessionStore.cache_key_prefix + instance.session_key)  # type: ignore[attr-defined]


def connect() -> None:
    from django.contrib.sessions.models import Session
    from django.db.models.signals import post_delete

    post_delete.connect(_forget_cached_copy, sender=Session, dispatch_uid="sessions.cached-copy")
