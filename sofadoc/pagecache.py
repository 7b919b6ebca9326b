"""Whole pages for visitors who are not signed in, served from the cache.

The home page, the directory and a practice's page are the same for every visitor who is not
signed in and asks for the same address in the same language, time zone and cookie choice.
Rendering them cost ten to twenty times what the framework costs on its own, so a view opts in
with `@visitor_page_cache` and tells, on each response, until when it holds
(`cache_for_visitors`) and which versions it rests on (`depends_on`). Served from the cache, a
page still passes every middleware (headers, CSP, consent gate); only the view is skipped.

What is personal in such a page is the CSRF token of its forms (language switch, cookie banner):
it is cut out before the page is stored and the visitor's own is put in when it is served.
Signed-in people, requests with a message waiting to be shown, and anything but a plain 200
page are never cached. When Redis is down, pages render as if there were no cache.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import re
import time
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from django.contrib import messages
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.translation import get_language

from sofadoc.cache import cache_read

T = TypeVar("T")

KEY_PREFIX = "pagecache:"
# Stands in for the visitor's CSRF token in a stored page.
_TOKEN_SLOT = b"\x00csrf-token\x00"
_TOKEN_FIELD = re.compile(rb'(name="csrfmiddlewaretoken" value=")[A-Za-z0-9]{64}(")')


def version_current(version_key: str) -> int | None:
    """The version at `version_key` (started if there is none yet), or None when the cache is
    down: callers then render and store nothing."""

    def read() -> int | None:
        value = cache.get(version_key)
        if value is None:
            cache.add(version_key, time.time_ns(), timeout=None)
            value = cache.get(version_key)
        return value

    return cache_read(read, down=None)


_READ = object()


def depends_on(request: HttpRequest, version_key: str, *, current: object = _READ) -> None:
    """The page being rendered shows data guarded by the version at `version_key` (a counter
    that changes whenever that data does). Call before reading the data: a change that lands
    while the page renders then retires it at once. `current` is the version as the caller
    already read it before the data (None: unknown), which saves reading it again."""
    if getattr(request, "_visitor_page_cache", None) is None:
        return
    value = version_current(version_key) if current is _READ else current
    if value is None:  # no cache: the page is not stored
        request._visitor_page_cache = None  # type: ignore[attr-defined]
    else:
        request._visitor_page_cache[version_key] = value  # type: ignore[attr-defined]


def bump_version(version_key: str) -> None:
    """Retire every page (and anything else cached) that depends on `version_key`. A cache
    outage is no error here: nothing can be served from a cache that is down."""
    with contextlib.suppress(Exception):
        try:
            cache.incr(version_key)
        except ValueError:  # never set, or evicted: a value nothing was stored under
            cache.set(version_key, time.time_ns(), timeout=None)


def bump_versions(version_keys: Iterable[str]) -> None:
    """bump_version for several keys in one round trip: each gets a fresh value (a clock
    reading in nanoseconds, past any value it had: those start from an earlier reading and
    grow by one per bump)."""
    keys = list(version_keys)
    if keys:
        stamp = time.time_ns()
        with contextlib.suppress(Exception):
            cache.set_many({key: stamp + n for n, key in enumerate(keys)}, timeout=None)


def version_changed(version_key: str) -> None:
    """The data behind `version_key` is changing: retire what rests on it now, and once more
    when the current transaction commits (a page rendered in between may show what was about
    to change)."""
    bump_version(version_key)
    transaction.on_commit(lambda: bump_version(version_key))


def cached_under_versions(
    version_keys: Sequence[str], key: str, compute: Callable[[], T], *, timeout: int
) -> T:
    """`compute()`, cached at `key` for as long as none of the versions at `version_keys`
    changes (and at most `timeout` seconds): one round trip to Redis when it is cached.

    The versions are read before `compute()` reads the data, so a change that lands meanwhile
    bumps them past what is stored, never under them. Redis down: computed every time.
    """
    found = cache_read(lambda: cache.get_many([*version_keys, key]), down=None)
    if found is None:
        return compute()
    versions = tuple(found.get(k) for k in version_keys)
    if None in versions:  # a version never started (or evicted): start it, store under it
        versions = tuple(version_current(k) for k in version_keys)
    else:
        stored = found.get(key)
        if stored is not None and stored[0] == versions:
            return stored[1]
    value = compute()
    if None not in versions:
        with contextlib.suppress(Exception):
            cache.set(key, (versions, value), timeout)
    return value


def cache_for_visitors(response: HttpResponse, *, until: float) -> HttpResponse:
    """Let this response be served to other visitors until `until` (a Unix time)."""
    response._visitor_cache_until = until  # type: ignore[attr-defined]
    return response


def visitor_page_cache(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    return _served_from_cache(view, may_use=_may_use_cache)


def public_data_cache(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """visitor_page_cache for JSON that shows nothing of whoever asks (a practice's free
    times): served from the cache to everyone, people signed in included."""
    return _served_from_cache(view, may_use=lambda request: request.method == "GET")


def _served_from_cache(
    view: Callable[..., HttpResponse], *, may_use: Callable[[HttpRequest], bool]
) -> Callable[..., HttpResponse]:
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not may_use(request):
            return view(request, *args, **kwargs)
        key = _page_key(request)
        hit = _cached(key)
        if hit is not None:
            return hit.response(request)
        request._visitor_page_cache = {}  # type: ignore[attr-defined]
        response = view(request, *args, **kwargs)
        _store(request, key, response)
        return response

    return wrapped


class _Entry:
    __slots__ = ("body", "content_type", "depends", "until")

    def __init__(self, *, body: bytes, content_type: str, depends: dict, until: float):
        self.body, self.content_type, self.depends, self.until = body, content_type, depends, until

    def response(self, request: HttpRequest) -> HttpResponse:
        body = self.body
        if _TOKEN_SLOT in body:
            body = body.replace(_TOKEN_SLOT, get_token(request).encode())
        return HttpResponse(body, content_type=self.content_type)


def _may_use_cache(request: HttpRequest) -> bool:
    return (
        request.method == "GET"
        and not request.user.is_authenticated
        # A message ("You have signed out.") is shown once, on whatever page comes next.
        and not len(messages.get_messages(request))
    )


def _page_key(request: HttpRequest) -> str:
    # Everything an anonymous page differs by: address, language, time zone, cookie choice
    # (banner shown or not, tags allowed) and the Global Privacy Control signal. The choice is
    # the one read against the current cookie policy version (a choice for an older version
    # counts as none: banner, no tags), and the version is part of the key, so a new version
    # is never answered with a page stored under the old one (the privacy middleware hands
    # the version over on the request).
    policy_version = getattr(request, "cookie_policy_version", None)
    choice = getattr(request, "cookie_choice", None)
    parts = (
        request.get_full_path(),
        get_language(),
        timezone.get_current_timezone_name(),
        policy_version() if policy_version is not None else None,
        (choice.decided, choice.statistics, choice.marketing) if choice is not None else None,
        request.headers.get("Sec-GPC", ""),
    )
    return KEY_PREFIX + hashlib.sha256(repr(parts).encode()).hexdigest()


def _cached(key: str) -> _Entry | None:
    def read() -> _Entry | None:
        entry = cache.get(key)
        if entry is None or entry.until <= time.time():
            return None
        if entry.depends and cache.get_many(list(entry.depends)) != entry.depends:
            return None
        return entry

    return cache_read(read, down=None)  # a cache outage renders the page instead


def _store(request: HttpRequest, key: str, response: HttpResponse) -> None:
    depends = request.__dict__.pop("_visitor_page_cache", None)
    until = getattr(response, "_visitor_cache_until", None)
    if (
        depends is None
        or until is None
        or response.status_code != 200
        or response.streaming
        or response.cookies
        or not response.get("Content-Type", "").startswith(("text/html", "application/json"))
    ):
        return
    timeout = int(until - time.time())
    if timeout < 1:
        return
    body = _TOKEN_FIELD.sub(rb"\1" + _TOKEN_SLOT + rb"\2", response.content)
    entry = _Entry(body=body, content_type=response["Content-Type"], depends=depends, until=until)
    with contextlib.suppress(Exception):  # not stored: the next visitor renders it
        cache.set(key, entry, timeout)
