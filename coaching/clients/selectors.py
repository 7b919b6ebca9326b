"""Reads for the relationship pages. Every lookup by id goes through `relationship_for_party`
(or the coach-only variant), so a view cannot forget that the requester must be one of the two
parties: anyone else gets None and the view answers 404."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
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
    relationship = (
        Relationship.objects.select_related("practice", "practice__owner", "client")
        .filter(pk=pk)
        .filter(Q(client=user) | Q(practice__owner=user))
        .first()
    )
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
def _sessions() -> QuerySet[Booking]:
    return Booking.objects.filter(practice=OuterRef("practice_id"), client=OuterRef("client_id"))


def client_list(
    *, practice: Practice, query: str = "", now: datetime | None = None
) -> QuerySet[Relationship]:
    """The coach's clients with next and last session, no-shows, open tasks and unread
    messages, newest activity first. Each figure is a correlated subquery on an index, so the
    page costs one query however many bookings and messages there are."""
    now = now or timezone.now()
    bookings = _sessions()
    next_start = (
        bookings.filter(state=BookingState.CONFIRMED, start__gte=now)
        .order_by("start")
        .values("start")[:1]
    )
    last_start = (
        bookings.filter(
            state__in=[BookingState.COMPLETED, BookingState.NO_SHOW, BookingState.CONFIRMED],
            start__lt=now,
        )
        .order_by("-start")
        .values("start")[:1]
    )
    no_shows = (
        bookings.filter(state=BookingState.NO_SHOW)
        .order_by()
        .values("client")
        .annotate(n=Count("pk"))
        .values("n")
    )
    open_tasks = (
        Task.objects.filter(relationship=OuterRef("pk"), state=TaskState.OPEN)
        .order_by()
        .values("relationship")
        .annotate(n=Count("pk"))
        .values("n")
    )
    unread = (
        Message.objects.filter(
            relationship=OuterRef("pk"), sender_side=Side.CLIENT, read_at__isnull=True
        )
        .order_by()
        .values("relationship")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = (
        Relationship.objects.filter(practice=practice)
        .annotate(
            next_session=Subquery(next_start),
            last_session=Subquery(last_start),
            no_shows=Coalesce(Subquery(no_shows, output_field=IntegerField()), Value(0)),
            open_tasks=Coalesce(Subquery(open_tasks, output_field=IntegerField()), Value(0)),
            unread=Coalesce(Subquery(unread, output_field=IntegerField()), Value(0)),
        )
        .order_by("ended_at", "-last_message_at", "-created_at", "-pk")
    )
    query = query.strip()
    if query:
        rows = rows.filter(
            Q(client__display_name__icontains=query) | Q(client__email__iexact=query)
        )
    return rows


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
        .order_by("ended_at", "-last_message_at", "-created_at")
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
@dataclass(frozen=True)
class ThreadPage:
    messages: list[Message]  # oldest first, for reading top to bottom
    older_than: int | None  # the id to ask for the page before, or None at the start


def thread_page(relationship: Relationship, *, before: int | None = None) -> ThreadPage:
    """One page of the thread, newest page first, by keyset (an id) rather than offset: the
    cost stays the same on page 1 and page 40 of a long thread."""
    # Their attachments come with the relationship's files (thread_lines.py), not from here.
    rows = relationship.messages.order_by("-created_at", "-pk")
    if before is not None:
        anchor = relationship.messages.filter(pk=before).values("created_at").first()
        if anchor is not None:
            rows = rows.filter(
                Q(created_at__lt=anchor["created_at"])
                | Q(created_at=anchor["created_at"], pk__lt=before)
            )
    found = list(rows[: THREAD_PAGE_SIZE + 1])
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
