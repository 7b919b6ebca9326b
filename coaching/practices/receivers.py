"""What retires the cached directory listings (any change to what a listing shows) and a
practice's cached page (its weekly hours and time off; bookings connect their own)."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from coaching.practices.directory import directory_changed
from coaching.practices.models import (
    Language,
    Practice,
    SessionType,
    Specialty,
    TimeOff,
    WeeklyHours,
)
from coaching.practices.pages import availability_changed

for model in (Practice, SessionType, Specialty, Language):
    post_save.connect(directory_changed, sender=model, dispatch_uid=f"directory-{model.__name__}")
    post_delete.connect(
        directory_changed, sender=model, dispatch_uid=f"directory-delete-{model.__name__}"
    )
for through in (Practice.specialties.through, Practice.languages.through):
    m2m_changed.connect(directory_changed, sender=through, dispatch_uid=f"directory-{through}")


def _availability_changed(sender, instance, **kwargs):
    availability_changed(instance.practice_id)


for model in (WeeklyHours, TimeOff):  # type: ignore[assignment]
    post_save.connect(
        _availability_changed, sender=model, dispatch_uid=f"availability-{model.__name__}"
    )
    post_delete.connect(
        _availability_changed, sender=model, dispatch_uid=f"availability-delete-{model.__name__}"
    )
