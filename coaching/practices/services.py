"""Changes to practices. Views, forms, admin and the demo seed call these; rules live here."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time
from itertools import pairwise

from django.contrib.postgres.search import SearchVector
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Value
from django.utils import timezone
from django.utils.translation import gettext as _

from coaching.practices.checklist import practice_missing_for_publishing
from coaching.practices.directory import directory_changed
from coaching.practices.gates import practice_takes_payments
from coaching.practices.models import (
    Language,
    Practice,
    PracticeSlugRedirect,
    SessionType,
    Specialty,
    TimeOff,
    WeeklyHours,
)
from coaching.practices.pages import availability_changed
from coaching.practices.photos import ProcessedPhoto
from sofadoc.accounts.models import User
from sofadoc.accounts.staff import staff_with_two_factors


class PublishBlocked(Exception):
    """Publishing was refused; `missing` names what the coach still has to do."""

    def __init__(self, missing: list[str]):
        super().__init__(", ".join(missing))
        self.missing = missing


@dataclass(frozen=True)
class Opening:
    weekday: int
    start: time
    end: time


def _check_actor(practice: Practice, actor: User) -> None:
    if actor.pk != practice.owner_id and not staff_with_two_factors(actor):
        raise PermissionDenied


def practice_create(*, owner: User, name: str, slug: str, time_zone: str) -> Practice:
    """A new, unpublished practice for `owner` (one per person)."""
    practice = Practice.objects.create(owner=owner, name=name, slug=slug, time_zone=time_zone)
    practice_refresh_search(practice=practice)
    return practice


def practice_update(
    *,
    practice: Practice,
    actor: User,
    fields: dict,
    specialties: Iterable[Specialty] | None = None,
    languages: Iterable[Language] | None = None,
) -> Practice:
    """Change profile or rules; a changed slug keeps the old one as a redirect."""
    _check_actor(practice, actor)
    with transaction.atomic():
        previous_slug = Practice.objects.values_list("slug", flat=True).get(pk=practice.pk)
        for name, value in fields.items():
            setattr(practice, name, value)
        practice.save(update_fields=[*fields, "updated_at"])
        if practice.slug != previous_slug:
            # The new slug may be one this practice used before; it must not redirect to itself.
            PracticeSlugRedirect.objects.filter(slug=practice.slug).delete()
            PracticeSlugRedirect.objects.create(slug=previous_slug, practice=practice)
        if specialties is not None:
            practice.specialties.set(specialties)
        if languages is not None:
            practice.languages.set(languages)
        practice_refresh_search(practice=practice)
    return practice


def _file_names(practice: Practice) -> list[str]:
    """The stored files of the practice's photo (what to delete once it is replaced)."""
    return [f.name for f in (practice.photo, practice.photo_thumbnail) if f and f.name]


def practice_set_photo(*, practice: Practice, actor: User, photo: ProcessedPhoto) -> Practice:
    """Store the re-encoded photo and thumbnail (decoded by PhotoForm, or process_photo for
    an image of our own); the previous files are deleted after commit."""
    _check_actor(practice, actor)
    old_files = _file_names(practice)
    practice.photo.save(photo.photo.name or "photo.jpg", photo.photo, save=False)
    practice.photo_thumbnail.save(photo.thumbnail.name or "thumb.jpg", photo.thumbnail, save=False)
    practice.save(update_fields=["photo", "photo_thumbnail", "updated_at"])
    _delete_files_on_commit(practice, old_files)
    return practice


def practice_remove_photo(*, practice: Practice, actor: User) -> Practice:
    _check_actor(practice, actor)
    old_files = _file_names(practice)
    practice.photo = practice.photo_thumbnail = ""
    practice.save(update_fields=["photo", "photo_thumbnail", "updated_at"])
    _delete_files_on_commit(practice, old_files)
    return practice


def _delete_files_on_commit(practice: Practice, names: list[str]) -> None:
    storage = practice.photo.storage

    def delete():
        for name in names:
            storage.delete(name)

    transaction.on_commit(delete)


def session_type_save(*, session_type: SessionType, actor: User) -> SessionType:
    """Create or update a session type of the actor's practice.

    A published practice offers a paid session only once it can take payments (otherwise the
    session would appear bookable and fail at checkout).
    """
    _check_actor(session_type.practice, actor)
    session_type.full_clean()
    practice = session_type.practice
    if (
        session_type.is_active
        and session_type.price > 0
        and practice.is_published
        and not practice_takes_payments(practice_id=practice.pk)
    ):
        raise ValidationError(
            _("Connect PayPal before you offer paid sessions; free sessions work right away."),
            code="payments",
        )
    session_type.save()
    return session_type


def weekly_hours_replace(
    *, practice: Practice, actor: User, openings: Iterable[Opening]
) -> list[WeeklyHours]:
    """Replace all weekly hours at once; windows of one weekday must not overlap."""
    _check_actor(practice, actor)
    openings = weekly_hours_check(openings)
    with transaction.atomic():
        practice.weekly_hours.all().delete()
        availability_changed(practice.pk)  # bulk_create sends no signal
        return WeeklyHours.objects.bulk_create(
            WeeklyHours(practice=practice, weekday=o.weekday, start_time=o.start, end_time=o.end)
            for o in openings
        )


def weekly_hours_check(openings: Iterable[Opening]) -> list[Opening]:
    """The openings sorted and without duplicates; ValidationError if two of a weekday overlap."""
    openings = sorted(set(openings), key=lambda o: (o.weekday, o.start))
    for opening in openings:
        if opening.end <= opening.start:
            raise ValidationError(_("Each window must end after it starts."), code="end_before")
    for earlier, later in pairwise(openings):
        if earlier.weekday == later.weekday and later.start < earlier.end:
            raise ValidationError(
                _("Windows on %(weekday)s overlap: %(a)s and %(b)s.")
                % {
                    "weekday": WeeklyHours.Weekday(earlier.weekday).label,
                    "a": f"{earlier.start:%H:%M}–{earlier.end:%H:%M}",
                    "b": f"{later.start:%H:%M}–{later.end:%H:%M}",
                },
                code="overlap",
            )
    return openings


def time_off_add(
    *, practice: Practice, actor: User, first_day: date, last_day: date, note: str = ""
) -> TimeOff:
    _check_actor(practice, actor)
    if last_day < first_day:
        raise ValidationError(_("The last day cannot be before the first day."), code="order")
    return TimeOff.objects.create(
        practice=practice, first_day=first_day, last_day=last_day, note=note
    )


def time_off_remove(*, practice: Practice, actor: User, time_off_id: int) -> None:
    _check_actor(practice, actor)
    practice.time_off.filter(pk=time_off_id).delete()


def practice_publish(*, practice: Practice, actor: User) -> Practice:
    """Make the practice visible in the directory, if the checklist's required steps are done."""
    _check_actor(practice, actor)
    missing = practice_missing_for_publishing(practice=practice)
    if missing:
        raise PublishBlocked(missing)
    if not practice.is_published:
        practice.is_published = True
        practice.published_at = timezone.now()
        practice.save(update_fields=["is_published", "published_at", "updated_at"])
    return practice


def practice_unpublish(*, practice: Practice, actor: User) -> Practice:
    _check_actor(practice, actor)
    if practice.is_published:
        practice.is_published = False
        practice.save(update_fields=["is_published", "updated_at"])
    return practice


def practice_erase(*, practice: Practice, actor: User) -> Practice:
    """Remove the coach's public profile for good (account deletion) but keep the row.

    Bookings and receipts point at the practice (PROTECT), so the row and its session types stay
    for the accounting trail; everything that describes the person goes: texts, photo, topics,
    languages, hours, time off, old addresses and the search document.
    """
    _check_actor(practice, actor)
    with transaction.atomic():
        old_files = _file_names(practice)
        practice.name = _("Deleted practice")
        practice.slug = f"deleted-{practice.pk}"
        practice.headline = practice.bio = ""
        # Receipts keep their own snapshot of the issuer, so these may go.
        practice.billing_name = practice.billing_address = practice.tax_number = ""
        practice.vat_id = ""
        practice.photo = practice.photo_thumbnail = ""
        practice.is_published = False
        practice.search_document = None
        practice.save(
            update_fields=[
                "name",
                "slug",
                "headline",
                "bio",
                "billing_name",
                "billing_address",
                "tax_number",
                "vat_id",
                "photo",
                "photo_thumbnail",
                "is_published",
                "search_document",
                "updated_at",
            ]
        )
        practice.specialties.clear()
        practice.languages.clear()
        practice.weekly_hours.all().delete()
        practice.time_off.all().delete()
        practice.slug_redirects.all().delete()
        # Session names are the coach's own words (sometimes with their name); bookings keep
        # their own copy of the name for the clients' records.
        practice.session_types.update(is_active=False, name=_("Session"), description="")
        directory_changed()
        _delete_files_on_commit(practice, old_files)
    return practice


def specialty_save(*, specialty: Specialty, actor: User) -> Specialty:
    """Staff edit a topic; practices listing it are searched by its names, so re-index them."""
    if not staff_with_two_factors(actor):
        raise PermissionDenied
    with transaction.atomic():
        specialty.full_clean()
        specialty.save()
        for practice in specialty.practices.all():
            practice_refresh_search(practice=practice)
    return specialty


def practice_refresh_search(*, practice: Practice) -> None:
    """Rewrite the weighted full-text document: name, then headline and topics, then the bio."""
    if connection.vendor != "postgresql":
        return
    topics = " ".join(
        f"{s.name_de} {s.name_en}" for s in Specialty.objects.filter(practices=practice)
    )
    document = (
        SearchVector(Value(practice.name), weight="A", config="german")
        + SearchVector(Value(f"{practice.headline} {topics}"), weight="B", config="german")
        + SearchVector(Value(practice.bio), weight="C", config="german")
    )
    Practice.objects.filter(pk=practice.pk).update(search_document=document)
    directory_changed()  # a queryset update sends no signal; search results change
