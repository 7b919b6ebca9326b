from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PracticesConfig(AppConfig):
    name = "coaching.practices"
    label = "practices"
    verbose_name = _("Practices")

    def ready(self):
        from coaching.practices import receivers  # noqa: F401 - connects the signal receivers
