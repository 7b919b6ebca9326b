"""The video room's message kind (coaching/notifications/registry.py): the coach never came into
the room, so the client gets the whole price back; both sides are told why. Imported by the
app's ready()."""

from django.utils.translation import gettext_lazy as _

from coaching.notifications.registry import NotificationKind, register

COACH_ABSENT = "video_coach_absent"

register(NotificationKind(code=COACH_ABSENT, label=_("coach did not come, client refunded")))
