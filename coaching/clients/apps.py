from typing import Any

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

    def register_fact_source(self, **kwargs: Any) -> None:
        """What packages (and any app beside clients) call from their ready(): see facts.py.
        Through the app config, so they need not import clients, which sits in their layer."""
        from coaching.clients.facts import register_fact_source

        register_fact_source(**kwargs)
