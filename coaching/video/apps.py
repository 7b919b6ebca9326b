from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VideoConfig(AppConfig):
    name = "coaching.video"
    label = "video"
    verbose_name = _("Video sessions")

    def ready(self):
        from coaching.video import notifications  # noqa: F401  (registers the message kind)
