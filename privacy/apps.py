from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Privacy")

    def ready(self) -> None:
        from privacy import receivers  # noqa: F401 - connects the signal receivers
        from privacy.selectors import page_cache_keys
        from sofadoc import prefetch

        prefetch.register(page_cache_keys)

        # Every app's `privacy.py` registers its personal-data declarations.
        autodiscover_modules("privacy")
