"""Reads for the relationship pages. Every lookup by id goes through `relationship_for_party`
(or the coach-only variant), so a view cannot forget that the requester must be one of the two
parties: anyone else gets None and the view answers 404."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from coaching.bookings.models import Booking, BookingState
from coaching.clients.models import (
    CoachSettings,
    Message,
    PrivateNote,
    Relationship,
    SharedFile,
    Side,
    Task,
    TaskState,
)
from coaching.practices.models import Practice
from sofadoc.accounts.models import User
from sofadoc.pagecache import cached_under_versions, version_changed

THREAD_PAGE_SIZE = 50
CLIENT_LIST_PAGE_SIZE = 50


def practice_of(user: User | AnonymousUser) -> Practice | None:
    if not user.is_authenticated:
        return None
    return Practice.objects.filter(owner=user).first()


def relationship_for_party(
    user: User | AnonymousUser, pk: int
) -> tuple[Relationship, str] | tuple[None, None]:
    """The relationship `pk` and the requester's side, if the requester is one of the two."""
    if not user.is_authenticated:
        return None, None
    # side_of() is the check: it answers None for anyone but the two. (Asking the same again in
    # SQL, with first()'s ordering, cost a third of this lookup on every relationship page.)
    found = Relationship.objects.select_related("practice", "practice__owner", "client").filter(
        pk=pk
    )[:1]
    relationship = next(iter(found), None)
    side = None if relationship is None else relationship.side_of(user)
    if relationship is None or side is None:
        return None, None
    return relationship, side


def relationship_for_coach(user: User | AnonymousUser, pk: int) -> Relationship | None:
    relationship, side = relationship_for_party(user, pk)
    return relationship if side == Side.COACH else None


def coach_settings_for(practice: Practice) -> CoachSettings:
    found = CoachSettings.objects.filter(practice=practice).first()
    return found or CoachSettings(practice=practice)


# --- The coach's client list ---------------------------------------------------------------
# Written out rather than built with the ORM: building and compiling the five correlated
# subqueries, and again for the page count, cost more than the page's other work together
# (3.5 of 18 ms in process; bench/clients.py). Each figure is a correlated subquery on an index,
# so a page costs one query however many bookings and messages there are.
_CLIENT_ROWS_SQL = """
SELECT r.id, r.client_id, u.display_name, r.ended_at,
    (SELECT b.start FROM bookings_booking b
     WHERE b.client_id = r.client_id AND b.practice_id = r.practice_id
       AND b.state = %(confirmed)s AND b.start >= %(now)s
     ORDER BY b.start LIMIT 1),
    (SELECT b.start FROM bookings_booking b
     WHERE b.client_id = r.client_id AND b.practice_id = r.practice_id
       AND b.state IN (%(completed)s, %(no_show)s, %(confirmed)s) AND b.start < %(now)s
     ORDER BY b.start DESC LIMIT 1),
    (SELECT count(*) FROM bookings_booking b
     WHERE b.client_id = r.client_id AND b.practice_id = r.practice_id
       AND b.state = %(no_show)s),
    (SELECT count(*) FROM clients_task t WHERE t.relationship_id = r.id AND t.state = %(open)s),
    (SELECT count(*) FROM clients_message m
     WHERE m.relationship_id = r.id AND m.sender_side = %(client)s AND m.read_at IS NULL)
FROM clients_relationship r JOIN accounts_user u ON u.id = r.client_id
WHERE r.practice_id = %(practice)s {search}
ORDER BY r.ended_at DESC NULLS FIRST, r.last_message_at DESC, r.created_at DESC, r.id DESC
LIMIT %(limit)s OFFSET %(offset)s
"""
_CLIENT_COUNT_SQL = """
SELECT count(*) FROM clients_relationship r JOIN accounts_user u ON u.id = r.client_id
WHERE r.practice_id = %(practice)s {search}
"""
# A part of the name in any case, or the whole e-mail address.
_CLIENT_SEARCH_SQL = (
    "AND (upper(u.display_name) LIKE upper(%(like)s) OR upper(u.email) = upper(%(query)s))"
)
# The columns of _CLIENT_ROWS_SQL, as the rows name them.
CLIENT_ROW_FIELDS = (
    "pk",
    "client_id",
    "display_name",
    "ended_at",
    "next_session",
    "last_session",
    "no_shows",
    "open_tasks",
    "unread",
)


class ClientList:
    """The coach's clients with next and last session, no-shows, open tasks and unread
    messages, for Paginator, which asks count() and one slice (a dict per client), one query
    each. Active clients come first, then ended ones, the most recently ended first; within
    each, the newest message first (a client with none yet, just added, before them)."""

    def __init__(self, *, practice: Practice, query: str = "", now: datetime | None = None):
        query = query.strip()
        self._search = _CLIENT_SEARCH_SQL if query else ""
        self._params: dict[str, int | str | datetime | None] = {
            "practice": practice.pk,
            "now": now or timezone.now(),
            "confirmed": BookingState.CONFIRMED.value,
            "completed": BookingState.COMPLETED.value,
            "no_show": BookingState.NO_SHOW.value,
            "open": TaskState.OPEN.value,
            "client": Side.CLIENT.value,
            "query": query,
            "like": f"%{connection.ops.prep_for_like_query(query)}%",
        }

    def count(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(_CLIENT_COUNT_SQL.format(search=self._search), self._params)
            return cursor.fetchone()[0]

    def __getitem__(self, items: slice) -> list[dict[str, Any]]:
        start, stop = items.start or 0, items.stop
        params = {**self._params, "offset": start, "limit": None if stop is None else stop - start}
        with connection.cursor() as cursor:
            cursor.execute(_CLIENT_ROWS_SQL.format(search=self._search), params)
            return [dict(zip(CLIENT_ROW_FIELDS, row, strict=True)) for row in cursor.fetchall()]


def relationships_of_client(user: User) -> QuerySet[Relationship]:
    unread = (
        Message.objects.filter(relationship=OuterRef("pk"), recipient=user, read_at__isnull=True)
        .order_by()
        .values("relationship")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Relationship.objects.filter(client=user)
        .select_related("practice")
        .annotate(unread=Coalesce(Subquery(unread, output_field=IntegerField()), Value(0)))
        .order_by(F("ended_at").desc(nulls_first=True), "-last_message_at", "-created_at")
    )


# --- A client's page ---------------------------------------------------------------------------
def client_history(relationship: Relationship) -> QuerySet[Booking]:
    return (
        Booking.objects.filter(
            practice_id=relationship.practice_id, client_id=relationship.client_id
        )
        .exclude(state__in=[BookingState.EXPIRED, BookingState.ABANDONED])
        .order_by("-start")
    )


def notes_of(relationship: Relationship) -> QuerySet[PrivateNote]:
    return relationship.notes.select_related("booking")


def tasks_of(relationship: Relationship) -> QuerySet[Task]:
    return relationship.tasks.prefetch_related("files")


def files_of(relationship: Relationship) -> QuerySet[SharedFile]:
    return relationship.files.all()


# --- Threads -----------------------------------------------------------------------------------
class ThreadMessage(NamedTuple):
    """What a thread page shows of a message (plain values: 50 model objects cost more)."""

    pk: int
    sender_side: str
    text: str
    created_at: datetime


_THREAD_COLUMNS = ("pk", "sender_side", "text", "created_at")


@dataclass(frozen=True)
class ThreadPage:
    messages: list[ThreadMessage]  # oldest first, for reading top to bottom
    older_than: int | None  # the id to ask for the page before, or None at the start


def thread_page(relationship: Relationship, *, before: int | None = None) -> ThreadPage:
    """One page of the thread, newest page first, by keyset (an id) rather than offset: the
    cost stays the same on page 1 and page 40 of a long thread."""
    # Their attachments come with the relationship's files (thread_lines.py), not from here.
    messages = Message.objects.filter(relationship_id=relationship.pk)
    rows = messages.order_by("-created_at", "-pk")
    if before is not None:
        anchor = next(
            iter(messages.filter(pk=before).values_list("created_at", flat=True)[:1]), None
        )
        if anchor is not None:
            rows = rows.filter(Q(created_at__lt=anchor) | Q(created_at=anchor, pk__lt=before))
    found = [
        ThreadMessage(*row) for row in rows.values_list(*_THREAD_COLUMNS)[: THREAD_PAGE_SIZE + 1]
    ]
    more = len(found) > THREAD_PAGE_SIZE
    found = found[:THREAD_PAGE_SIZE]
    return ThreadPage(
        messages=list(reversed(found)), older_than=found[-1].pk if more and found else None
    )


# --- The header's unread count (cached per person until their messages change) ---------------
UNREAD_SECONDS = 600


def unread_version_key(user_id: int) -> str:
    return f"clients:unread:{user_id}:version"


def unread_count(*, user: User) -> int:
    return Message.objects.filter(recipient=user, read_at__isnull=True).count()


def unread_count_key(user_id: int) -> str:
    return f"clients:unread:{user_id}:count"


def header_cache_keys(user_id: int) -> list[str]:
    """What the header's unread count reads from Redis (prefetched: sofadoc/prefetch.py)."""
    return [unread_version_key(user_id), unread_count_key(user_id)]


def unread_count_cached(*, user: User) -> int:
    return cached_under_versions(
        [unread_version_key(user.pk)],
        unread_count_key(user.pk),
        lambda: unread_count(user=user),
        timeout=UNREAD_SECONDS,
    )


def unread_changed(user_id: int) -> None:
    version_changed(unread_version_key(user_id))
