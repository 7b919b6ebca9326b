from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "coaching.billing"
    label = "billing"
    verbose_name = _("Billing")

    def ready(self) -> None:
        from coaching.billing import receivers  # noqa: F401 - connects the signal receivers

        # The coach's earnings page and tax-advisor CSV name billing's documents.
        from coaching.billing.selectors import document_numbers_for, fee_invoice_url
        from coaching.payments.earnings import (
            register_document_number_lookup,
            register_fee_invoice_lookup,
        )

        register_document_number_lookup(document_numbers_for)
        register_fee_invoice_lookup(fee_invoice_url)
