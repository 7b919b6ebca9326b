from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "coaching.intake"
    label = "intake"
    verbose_name = _("Intake and agreement")

    def ready(self) -> None:
        from coaching.intake import notifications  # noqa: F401 - registers the reminder kind
