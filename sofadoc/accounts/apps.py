from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "sofadoc.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from sofadoc import sessions

        sessions.connect()  # a session row deleted in bulk takes its copy in Redis with it
