"""What video hears: saves of a practice's room settings retire the listings' version, because
the booking page shows them (the attendance rules) inside a part kept per version."""

from django.db.models.signals import post_delete, post_save

from coaching.practices.directory import directory_changed
from coaching.video.models import RoomSettings

post_save.connect(directory_changed, sender=RoomSettings, dispatch_uid="directory-RoomSettings")
post_delete.connect(
    directory_changed, sender=RoomSettings, dispatch_uid="directory-delete-RoomSettings"
)
