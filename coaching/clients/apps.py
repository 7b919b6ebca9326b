from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClientsConfig(AppConfig):
    name = "coaching.clients"
    label = "clients"
    verbose_name = _("Coach and client")

    def ready(self) -> None:
        # notify registers its message kinds; receivers connects its @receiver functions.
        from coaching.clients import notify, receivers  # noqa: F401
        from coaching.clients.selectors import header_cache_keys
        from sofadoc import prefetch

        prefetch.register(header_cache_keys)
