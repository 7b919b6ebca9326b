"""Bookings: as the checkout leaves them, without driving PayPal to get there.

`BookingFactory` writes the row directly (confirmed unless told otherwise), for tests whose
subject is what comes after a booking (reminders, messages, the page cache). `PaidBookingFactory`
makes a booking as a paid checkout does, through the services: held (`booking_hold`), its
purchase (`booking_purchase_ensure`), a PayPal payment captured and its ledger rows written, then
confirmed by the booking kind's own `on_paid` hook, with the events of the audit trail. Only the
provider's round trips are left out: the checkout itself is tested in tests/bookings.
"""

from datetime import timedelta
from decimal import Decimal

import factory
from django.db import transaction
from django.utils import timezone

from coaching.bookings.models import BookingState
from tests.factories.people import UserFactory
from tests.factories.practices import SessionTypeFactory


class BookingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "bookings.Booking"

    session_type = factory.SubFactory(SessionTypeFactory)
    practice = factory.LazyAttribute(lambda o: o.session_type.practice)
    client = factory.SubFactory(UserFactory)
    state = BookingState.CONFIRMED
    # From tomorrow, each booking two hours after the one before: none overlaps another.
    start = factory.Sequence(
        lambda n: (
            timezone.now().replace(minute=0, second=0, microsecond=0)
            + timedelta(days=1, hours=2 * n)
        )
    )
    end = factory.LazyAttribute(
        lambda o: o.start + timedelta(minutes=o.session_type.duration_minutes)
    )
    blocked_start = factory.SelfAttribute("start")
    blocked_end = factory.SelfAttribute("end")
    session_name = factory.LazyAttribute(lambda o: o.session_type.name)
    price = factory.LazyAttribute(lambda o: o.session_type.price)
    cancellation_window_hours = 24
    confirmed_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.state == BookingState.CONFIRMED else None
    )


class PaidBookingFactory(factory.Factory):
    """A confirmed, paid booking of `session_type` (its practice published) by `client`."""

    class Meta:
        model = dict  # built by _create below, through the services

    session_type = factory.SubFactory(SessionTypeFactory)
    client = factory.SubFactory(UserFactory)
    start = factory.LazyAttribute(lambda o: first_free_start(o.session_type))
    paypal_fee = Decimal("2.87")

    @classmethod
    def _create(cls, model_class, *, session_type, client, start, paypal_fee):
        return booking_paid_make(
            session_type=session_type, client=client, start=start, paypal_fee=paypal_fee
        )


def first_free_start(session_type):
    """The first time `session_type` can be booked from tomorrow on."""
    from coaching.practices.selectors import session_type_free_slots

    tomorrow = timezone.now() + timedelta(days=1)
    return session_type_free_slots(
        session_type=session_type, start=tomorrow, end=tomorrow + timedelta(days=14)
    )[0]


def booking_paid_make(*, session_type, client, start, paypal_fee: Decimal = Decimal("2.87")):
    from coaching.bookings.services import booking_hold, booking_purchase_ensure
    from coaching.payments.ledger import capture_rows, ledger_write
    from coaching.payments.models import MerchantAccount, Payment, PaymentStatus
    from coaching.payments.services.common import announce_on_commit, call_hooks

    booking = booking_hold(
        client=client,
        practice=session_type.practice,
        session_type_id=session_type.pk,
        start=start,
    )
    with transaction.atomic():
        purchase = booking_purchase_ensure(booking=booking)
        capture_id = f"CAPTURE-{booking.reference}"
        rows = capture_rows(
            gross=purchase.total, paypal_fee=paypal_fee, platform_fee=purchase.platform_fee
        )
        now = timezone.now()
        merchant = MerchantAccount.objects.filter(practice_id=purchase.practice_id).first()
        payment = Payment.objects.create(
            purchase=purchase,
            provider="paypal",
            order_id=f"ORDER-{booking.reference}",
            capture_id=capture_id,
            payee_merchant_id=merchant.merchant_id if merchant else "",
            status=PaymentStatus.CAPTURED,
            amount=purchase.total,
            currency=purchase.currency,
            paypal_fee=paypal_fee,
            platform_fee=purchase.platform_fee,
            net_amount=rows[-1][1],
            captured_at=now,
        )
        entry_ids = ledger_write(
            purchase=purchase,
            rows=rows,
            currency=purchase.currency,
            provider="paypal",
            reference=capture_id,
            occurred_at=now,
        )
        announce_on_commit("captured", purchase=purchase, ledger_entry_ids=entry_ids)
        call_hooks(purchase, "on_paid", payment=payment, actor=client)
    booking.refresh_from_db()
    return booking
