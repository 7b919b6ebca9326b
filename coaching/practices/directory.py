"""The public directory of published practices: search, filters, sorting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, Min, Prefetch, Q, QuerySet

from coaching.practices.models import Language, Practice, Specialty
from coaching.practices.selectors import practice_ids_free_within

FREE_SOON = timedelta(days=7)
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
    """Published, bookable practices matching `filters`, each with `min_price` annotated.

    Specialties and languages are prefetched, so a page costs a fixed number of queries.
    """
    practices = (
        Practice.objects.filter(is_published=True)
        .annotate(min_price=Min("session_types__price", filter=Q(session_types__is_active=True)))
        .filter(min_price__isnull=False)
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
        practices = practices.filter(min_price__lte=filters.max_price)

    ranked = False
    if filters.q:
        practices, ranked = _search(practices, filters.q)
    if filters.free_soon:
        free = practice_ids_free_within(
            practice_ids=practices.values_list("pk", flat=True), within=FREE_SOON
        )
        practices = practices.filter(pk__in=free)

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
