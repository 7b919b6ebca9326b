from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "coaching.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # Checks, kinds and receivers register (connect) themselves on import.
        from coaching.notifications import checks, kinds, mail_kinds, receivers  # noqa: F401
        from coaching.notifications.queueing import mail_queue_row
        from coaching.notifications.selectors import header_cache_keys
        from sofadoc import prefetch
        from sofadoc.mail import mail_queue_install

        prefetch.register(header_cache_keys)
        # The apps below send their e-mails through the delivery log too (sofadoc/mail.py).
        mail_queue_install(mail_queue_row)
