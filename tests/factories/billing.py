"""Billing documents: the receipt for a paid booking, issued by the billing service itself."""

import factory

from tests.factories.bookings import PaidBookingFactory


class ReceiptFactory(factory.Factory):
    """The coach's receipt for a paid booking (`receipt_issue` on the capture's gross row)."""

    class Meta:
        model = dict  # built by _create below, through the billing service

    booking = factory.SubFactory(PaidBookingFactory)

    @classmethod
    def _create(cls, model_class, *, booking):
        from coaching.billing.services.receipts import receipt_issue
        from coaching.payments.models import LedgerEntry, LedgerKind

        capture = LedgerEntry.objects.get(
            purchase_id=booking.purchase_id, kind=LedgerKind.CAPTURE_GROSS
        )
        return receipt_issue(capture=capture)
