"""factory_boy factories for the suite and the benchmarks (importable outside pytest once
Django is set up), one module per app: people, practices, bookings, payments, billing,
notifications, privacy. Import them from here."""

from tests.factories.billing import ReceiptFactory
from tests.factories.bookings import BookingFactory, PaidBookingFactory, booking_paid_make
from tests.factories.notifications import NotificationFactory
from tests.factories.payments import (
    LedgerEntryFactory,
    PaymentFactory,
    PurchaseFactory,
    RefundFactory,
)
from tests.factories.people import DEFAULT_PASSWORD, StaffFactory, UserFactory
from tests.factories.practices import PracticeFactory, SessionTypeFactory
from tests.factories.privacy import ConsentRecordFactory, LegalDocumentFactory

__all__ = [
    "DEFAULT_PASSWORD",
    "BookingFactory",
    "ConsentRecordFactory",
    "LedgerEntryFactory",
    "LegalDocumentFactory",
    "NotificationFactory",
    "PaidBookingFactory",
    "PaymentFactory",
    "PracticeFactory",
    "PurchaseFactory",
    "ReceiptFactory",
    "RefundFactory",
    "SessionTypeFactory",
    "StaffFactory",
    "UserFactory",
    "booking_paid_make",
]
