"""What retires the cached directory listings: any change to what a listing shows."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from coaching.practices.directory import directory_changed
from coaching.practices.models import Language, Practice, SessionType, Specialty

for model in (Practice, SessionType, Specialty, Language):
    post_save.connect(directory_changed, sender=model, dispatch_uid=f"directory-{model.__name__}")
    post_delete.connect(
        directory_changed, sender=model, dispatch_uid=f"directory-delete-{model.__name__}"
    )
for through in (Practice.specialties.through, Practice.languages.through):
    m2m_changed.connect(directory_changed, sender=through, dispatch_uid=f"directory-{through}")
