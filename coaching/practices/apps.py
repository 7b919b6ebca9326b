from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PracticesConfig(AppConfig):
    name = "coaching.practices"
    label = "practices"
    verbose_name = _("Practices")

    def ready(self):
        # Connects the signal receivers; registers the research datasets.
        from coaching.practices import receivers, research  # noqa: F401
        from coaching.practices.directory import LISTING_VERSION_KEY
        from coaching.practices.pages import availability_keys_at
        from sofadoc import prefetch

        # Every signed-in page showing practices reads it (directory, practice, booking): read
        # with the person's values, it lets versioned_get answer from the process's copies.
        prefetch.register(lambda user_id: [LISTING_VERSION_KEY])
        prefetch.register_for_path(availability_keys_at)
