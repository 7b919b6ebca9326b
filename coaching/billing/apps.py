from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "coaching.billing"
    label = "billing"
    verbose_name = _("Billing")

    def ready(self) -> None:
        from coaching.billing.listeners import on_money_event
        from coaching.payments.listeners import subscribe

        subscribe(on_money_event)
