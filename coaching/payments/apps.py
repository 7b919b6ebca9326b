from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "coaching.payments"
    label = "payments"
    verbose_name = _("Payments")

    def ready(self):
        from coaching.payments import onboard_ready

        onboard_ready.connect()
