from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "coaching.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from coaching.notifications import checks, receivers  # noqa: F401 (checks register)

        receivers.connect()
