"""The signed-in person's user row, read with the session's prefetch instead of a query.

Every signed-in request loads its user (AuthenticationMiddleware, through UserManager.get): a
round trip to PostgreSQL for a row that seldom changes. The row is kept in Redis under a
version of that user (sofadoc.pagecache's pattern), and both keys are prefetched with the
session (sofadoc/prefetch.py), so a warm request reads its user without a query.

Only the request's own person is answered from the copy: UserManager.get(pk=...) looks here
when the request's prefetched copy holds that user's keys, and anything else reads PostgreSQL.
The version is read (at the request's start) before the row, so a change that lands meanwhile
retires what is stored; every change bumps it at once and again when its transaction commits:
- saves and deletes (signals: password changes, is_active, logins' last_login, the admin);
- queryset updates, bulk_update and relation managers (UserQuerySet: erasure, retention).
What no code reports (a data migration, SQL typed by hand, a bump lost while Redis was down)
is bounded by USER_SECONDS, as the session copies are by sofadoc.sessions.CACHE_SECONDS.

The password hash never leaves PostgreSQL: the kept row holds, in its place, the session hash
made from it (what AuthenticationMiddleware compares, User.get_session_auth_hash), and its
password is a deferred field, which the ORM reads from the database if anything asks for it
(a password change checking the old one).
"""

from __future__ import annotations

import contextlib
import copy
import time
from collections.abc import Iterable
from typing import Any

from django.core.cache import cache

from sofadoc.cache import MISSING, prefetched_value
from sofadoc.pagecache import version_changed

USER_SECONDS = 60


def version_key(user_id: int) -> str:
    return f"accounts:user:{user_id}:version"


def row_key(user_id: int) -> str:
    return f"accounts:user:{user_id}:row"


def prefetch_keys(user_id: int) -> list[str]:
    return [version_key(user_id), row_key(user_id)]


def kept_user(user_id: int) -> Any | None:
    """The user from the request's prefetched copy, if it is this request's person and the
    stored row is current; else None (read the database)."""
    version = prefetched_value(version_key(user_id))
    if version is MISSING or version is None:
        return None
    stored = prefetched_value(row_key(user_id))
    if not isinstance(stored, tuple) or len(stored) != 2 or stored[0] != version:
        return None
    return copy.copy(stored[1])  # each caller its own instance, as from the database


def keep_user(user: Any) -> None:
    """Store the row just read for the request's person under the version the request read at
    its start (never under one read after the row). No version yet: start one, store next time."""
    version = prefetched_value(version_key(user.pk))
    if version is MISSING:  # not the request's person (or no request)
        return
    with contextlib.suppress(Exception):  # a cache outage: the next request reads the database
        if version is None:
            cache.add(version_key(user.pk), time.time_ns(), timeout=None)
        else:
            cache.set(row_key(user.pk), (version, _without_password(user)), USER_SECONDS)


def _without_password(user: Any) -> Any:
    kept = copy.copy(user)
    kept.kept_session_auth_hash = user.get_session_auth_hash()
    del kept.__dict__["password"]  # deferred: read from PostgreSQL when asked for
    return kept


def users_changed(user_ids: Iterable[int]) -> None:
    user_ids = list(user_ids)
    for user_id in user_ids:
        version_changed(version_key(user_id))
    # The old rows would no longer be served; dropped too, so an erased person's data does not
    # wait in Redis for USER_SECONDS.
    with contextlib.suppress(Exception):
        cache.delete_many([row_key(user_id) for user_id in user_ids])


def user_saved_or_deleted(sender, instance, **kwargs) -> None:
    users_changed([instance.pk])
