from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "sofadoc.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from sofadoc import crypto, sessions  # noqa: F401 (crypto registers its deploy check)

        sessions.connect()  # a session row deleted in bulk takes its copy in Redis with it

        from django.db.models.signals import post_delete, post_save

        from sofadoc import prefetch
        from sofadoc.accounts import usercache
        from sofadoc.accounts.models import User

        # The person's row comes with the session (usercache); every save or delete retires it.
        prefetch.register(usercache.prefetch_keys)
        post_save.connect(usercache.user_saved_or_deleted, sender=User)
        post_delete.connect(usercache.user_saved_or_deleted, sender=User)
