"""The factories make what their docstrings promise (tests/factories/)."""

from decimal import Decimal

import pytest

from coaching.billing.models import DocumentKind
from coaching.bookings.models import Booking, BookingEvent, BookingState
from coaching.payments.models import LedgerEntry, LedgerKind, PaymentStatus
from coaching.practices.services import practice_publish
from privacy.models import ConsentRecord
from sofadoc.accounts.models import User
from tests.factories import (
    BookingFactory,
    ConsentRecordFactory,
    LedgerEntryFactory,
    NotificationFactory,
    PaidBookingFactory,
    PracticeFactory,
    ReceiptFactory,
    RefundFactory,
    SessionTypeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def offer():
    session_type = SessionTypeFactory()
    practice_publish(practice=session_type.practice, actor=session_type.practice.owner)
    return session_type


def test_built_people_and_practices_are_not_written():
    practice = PracticeFactory.build(owner=UserFactory.build(password=None))
    assert practice.pk is None and practice.owner.pk is None
    assert not practice.owner.has_usable_password()
    assert not User.objects.exists()


def test_a_booking_row_as_the_checkout_leaves_it(offer):
    booking = BookingFactory(session_type=offer)
    assert booking.state == BookingState.CONFIRMED and booking.confirmed_at
    assert booking.practice == offer.practice and booking.price == offer.price
    assert booking.end - booking.start == booking.blocked_end - booking.blocked_start
    assert BookingFactory(session_type=offer, state=BookingState.HELD).confirmed_at is None


def test_a_paid_booking_through_the_services_without_paypal(offer):
    booking = PaidBookingFactory(session_type=offer)

    assert booking.state == BookingState.CONFIRMED
    [payment] = booking.payments.all()
    assert payment.status == PaymentStatus.CAPTURED and payment.amount == offer.price
    rows = LedgerEntry.objects.filter(purchase=booking.purchase)
    assert sorted(rows.values_list("kind", flat=True)) == sorted(
        [LedgerKind.CAPTURE_GROSS, LedgerKind.PAYPAL_FEE, LedgerKind.PLATFORM_FEE, LedgerKind.NET]
    )
    amount = {row.kind: row.amount for row in rows}
    assert (
        amount[LedgerKind.CAPTURE_GROSS]
        == offer.price
        == amount[LedgerKind.NET]
        - (amount[LedgerKind.PAYPAL_FEE] + amount[LedgerKind.PLATFORM_FEE])
    )
    assert list(
        BookingEvent.objects.filter(booking=booking).values_list("to_state", flat=True)
    ) == [BookingState.HELD, BookingState.CONFIRMED]


def test_a_receipt_for_a_paid_booking(offer):
    receipt = ReceiptFactory(booking__session_type=offer)
    booking = Booking.objects.get()
    assert receipt.kind == DocumentKind.RECEIPT and receipt.purchase_id == booking.purchase_id
    assert receipt.recipient_user == booking.client


def test_money_rows():
    refund = RefundFactory()
    assert refund.amount == refund.payment.amount == Decimal("80.00")
    assert refund.payment.purchase.lines.get().amount == Decimal("80.00")
    entry = LedgerEntryFactory(purchase=refund.payment.purchase)
    assert entry.practice == refund.payment.purchase.practice


def test_notifications_and_consent_records():
    message = NotificationFactory()
    assert message.recipient.notifications.get() == message
    record = ConsentRecordFactory(granted=False)
    assert not record.granted and record.purpose == ConsentRecord.Purpose.EMAIL_NEWS
    assert record.pseudonym and record.subject.consent_records.get() == record
