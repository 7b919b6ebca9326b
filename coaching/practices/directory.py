"""The public directory of published practices: search, filters, sorting."""

from __future__ import annotations

import contextlib
import hashlib
import pickle
import time
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.cache import cache
from django.db import connection
from django.db.models import Exists, F, Min, OuterRef, Prefetch, Q, QuerySet, Subquery

from coaching.practices.models import Language, Practice, SessionType, Specialty
from coaching.practices.selectors import practice_ids_booked_out
from sofadoc.cache import MISSING, cache_read, prefetched_value
from sofadoc.kept import Kept
from sofadoc.pagecache import version_changed, version_current

SORTS = ("relevance", "price", "-price", "name", "newest")


@dataclass(frozen=True)
class DirectoryFilters:
    q: str = ""
    specialty: Specialty | None = None
    language: Language | None = None
    max_price: Decimal | None = None
    free_soon: bool = False
    sort: str = "relevance"


def practices_for_directory(filters: DirectoryFilters) -> QuerySet[Practice]:
    """Published, bookable practices matching `filters`.

    Specialties and languages are prefetched; pass the page to `with_lowest_prices` for the
    "from" price. A page then costs a fixed number of queries.
    """
    # Semi-joins instead of JOIN + GROUP BY, so PostgreSQL counts and pages through practices
    # without aggregating every session type; the long text columns stay in the table.
    active_types = SessionType.objects.filter(practice=OuterRef("pk"), is_active=True)
    practices = (
        Practice.objects.filter(is_published=True)
        .filter(Exists(active_types))
        .defer("bio", "search_document")
        .prefetch_related(
            Prefetch("specialties", queryset=Specialty.objects.order_by("position")),
            "languages",
        )
    )
    if filters.specialty:
        practices = practices.filter(specialties=filters.specialty)
    if filters.language:
        practices = practices.filter(languages=filters.language)
    if filters.max_price is not None:
        practices = practices.filter(Exists(active_types.filter(price__lte=filters.max_price)))

    ranked = False
    if filters.q:
        practices, ranked = _search(practices, filters.q)
    if filters.free_soon:
        practices = practices.exclude(pk__in=practice_ids_booked_out())

    if filters.sort in ("price", "-price"):
        practices = practices.annotate(
            min_price=Subquery(active_types.order_by("price").values("price")[:1])
        )
    order = {
        "relevance": ["-rank", "name"] if ranked else ["-published_at", "name"],
        "price": ["min_price", "name"],
        "-price": ["-min_price", "name"],
        "name": ["name"],
        "newest": ["-published_at", "name"],
    }[filters.sort if filters.sort in SORTS else "relevance"]
    return practices.order_by(*order, "pk")


def _search(practices: QuerySet[Practice], text: str) -> tuple[QuerySet[Practice], bool]:
    if connection.vendor == "postgresql":
        # German stemming: "Beziehungen" finds "Beziehung", "Ängste" finds "Angst".
        query = SearchQuery(text, config="german", search_type="websearch")
        return (
            practices.filter(search_document=query).annotate(
                rank=SearchRank(F("search_document"), query)
            ),
            True,
        )
    # The SQLite demo has no stemming; a substring match is good enough there.
    matches = (
        Q(name__icontains=text)
        | Q(headline__icontains=text)
        | Q(bio__icontains=text)
        | Q(specialties__name_de__icontains=text)
        | Q(specialties__name_en__icontains=text)
    )
    return practices.filter(pk__in=Practice.objects.filter(matches).values("pk")), False


def with_lowest_prices(practices: list[Practice]) -> list[Practice]:
    """Set `min_price` (lowest active price) on each practice of a page, in one query at most."""
    missing = [p.pk for p in practices if not hasattr(p, "min_price")]
    if missing:
        lowest = dict(
            SessionType.objects.filter(practice_id__in=missing, is_active=True)
            .values("practice_id")
            .annotate(lowest=Min("price"))
            .values_list("practice_id", "lowest")
        )
        for practice in practices:
            if practice.pk in lowest:
                practice.min_price = lowest[practice.pk]  # type: ignore[attr-defined]
    return practices


# --- The rendered listing (and a practice's profile), cached --------------------------------------
# Rendering a page of the directory (filters, twelve cards, the count over every published
# practice) costs far more than the framework itself, and every visitor sees the same page for
# the same query: nothing in it is personal. So it is cached per query and language under a
# version that any change to what the listing shows replaces (receivers.py), at once and again
# when the transaction commits. Its age bounds what no signal reports (queryset updates);
# the "free within 7 days" filter rests on a set refreshed every minute and is never cached.
# A practice page's profile (name, topics, languages, bio) is cached under the same version.
DIRECTORY_CACHE_SECONDS = 60
LISTING_VERSION_KEY = "practices:directory:version"


def directory_cache_key(*, query: list[tuple[str, str]], language: str, zone: str) -> str:
    # The zone: each card shows its coach's next free time in the viewer's.
    digest = hashlib.sha256(repr((sorted(query), zone)).encode()).hexdigest()[:32]
    return f"practices:directory:{language}:{digest}"


# What versioned_get found, kept in this process too: key -> (version, until, pickled value).
# A signed-in request has the listings' version from its prefetched copy (sofadoc/prefetch.py),
# so a kept value costs it no round trip. Pickled, so every request gets its own objects.
# Listings of ~20 kB each: at most ~10 MB a process.
_kept: Kept[str, tuple[int, float, bytes]] = Kept(512)


def versioned_get(key: str) -> tuple[object | None, int | None]:
    """What is cached at `key` if it was stored under the current listings' version, and that
    version (None when the cache is down): from this process's copy when the request already
    knows the version, else both in one round trip to Redis."""
    known = prefetched_value(LISTING_VERSION_KEY)
    if known is not MISSING:
        kept = _kept.get(key)
        if kept is not None and kept[0] == known and kept[1] > time.time():
            return pickle.loads(kept[2]), known  # noqa: S301 - our own pickle of our own value
    found = cache_read(lambda: cache.get_many([LISTING_VERSION_KEY, key]), down=None)
    if found is None:  # the cache is down: pages render uncached
        return None, None
    version = found.get(LISTING_VERSION_KEY)
    if version is None:
        return None, version_current(LISTING_VERSION_KEY)
    stored = found.get(key)
    # (version, value, until); older code stored (version, value): computed again, once.
    if stored is None or len(stored) != 3 or stored[0] != version:
        return None, version
    _keep(key, version, stored[1], until=stored[2])
    return stored[1], version


def versioned_set(
    key: str, value: object, *, version: int | None, timeout: int, fresh: int | None = None
) -> None:
    """Store `value` under `version` for `timeout` seconds; processes keep their own copy of it
    for `fresh` seconds at most (the timeout unless told), the age that bounds what no version
    reports."""
    if version is not None:
        until = time.time() + (fresh if fresh is not None else timeout)
        with contextlib.suppress(Exception):
            cache.set(key, (version, value, until), timeout)
        _keep(key, version, value, until=until)


def _keep(key: str, version: int, value: object, *, until: float) -> None:
    kept = _kept.get(key)
    if until <= time.time() or (kept is not None and kept[:2] == (version, until)):
        return  # past its age, or kept already (a request without the version prefetched)
    _kept.keep(key, (version, until, pickle.dumps(value, pickle.HIGHEST_PROTOCOL)))


def directory_changed(**kwargs) -> None:
    """Retire every cached listing (and the visitors' pages showing one)."""
    version_changed(LISTING_VERSION_KEY)
