from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "coaching.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # Checks, kinds and receivers register (connect) themselves on import.
        from coaching.notifications import checks, kinds, receivers  # noqa: F401
        from coaching.notifications.selectors import header_cache_keys
        from sofadoc import prefetch

        prefetch.register(header_cache_keys)
