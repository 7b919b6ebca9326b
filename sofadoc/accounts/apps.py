from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "sofadoc.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from sofadoc import crypto, sessions  # noqa: F401 (crypto registers its deploy check)

        sessions.connect()  # a session row deleted in bulk takes its copy in Redis with it
