from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PracticesConfig(AppConfig):
    name = "coaching.practices"
    label = "practices"
    verbose_name = _("Practices")

    def ready(self):
        # Connects the signal receivers; registers the research datasets.
        from coaching.practices import receivers, research  # noqa: F401
