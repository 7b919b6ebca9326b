"""Money rows: a purchase with its line, a payment at PayPal, refunds and ledger entries.

Written directly, as the payments services leave them, for tests of what reads them (pages,
reports, the privacy registry). Whatever is about money moving is tested through the services
in tests/payments. A paid booking with all of these is `PaidBookingFactory` (bookings.py).
"""

import itertools
from decimal import Decimal

import factory
from django.utils import timezone

from coaching.payments.models import LedgerKind, PaymentStatus, RefundStatus
from tests.factories.practices import PracticeFactory

_references = itertools.count(1)


class PurchaseFactory(factory.django.DjangoModelFactory):
    """One purchase of one line (kind "booking" unless told), 80 € with SofaDoc's 8 € fee."""

    class Meta:
        model = "payments.Purchase"
        skip_postgeneration_save = True

    practice = factory.SubFactory(PracticeFactory)
    buyer = None
    total = Decimal("80.00")
    platform_fee = Decimal("8.00")

    @factory.post_generation
    def line(obj, create, extracted, **kwargs):
        """The purchase's one line; line=False for none, line__kind=… etc. to set its fields."""
        if not create or extracted is False:
            return
        from coaching.payments.models import PurchaseLine

        PurchaseLine.objects.create(
            purchase=obj,
            kind=kwargs.get("kind", "booking"),
            object_id=kwargs.get("object_id", 1),
            description=kwargs.get("description", "Coaching-Sitzung (60 Min.)"),
            service_date=kwargs.get("service_date") or timezone.now(),
            amount=obj.total,
            currency=obj.currency,
        )


class PaymentFactory(factory.django.DjangoModelFactory):
    """A captured PayPal payment of its purchase's whole total."""

    class Meta:
        model = "payments.Payment"

    purchase = factory.SubFactory(PurchaseFactory)
    provider = "paypal"
    order_id = factory.Sequence(lambda n: f"ORDER{n:08d}")
    capture_id = factory.Sequence(lambda n: f"CAPTURE{n:08d}")
    status = PaymentStatus.CAPTURED
    amount = factory.SelfAttribute("purchase.total")
    currency = factory.SelfAttribute("purchase.currency")
    platform_fee = factory.SelfAttribute("purchase.platform_fee")
    paypal_fee = Decimal("2.87")
    net_amount = factory.LazyAttribute(lambda o: o.amount - o.paypal_fee - o.platform_fee)
    captured_at = factory.LazyFunction(timezone.now)


class RefundFactory(factory.django.DjangoModelFactory):
    """A completed refund of the whole payment."""

    class Meta:
        model = "payments.Refund"

    payment = factory.SubFactory(PaymentFactory)
    refund_id = factory.Sequence(lambda n: f"REFUND{n:08d}")
    amount = factory.SelfAttribute("payment.amount")
    currency = factory.SelfAttribute("payment.currency")
    status = RefundStatus.COMPLETED


class LedgerEntryFactory(factory.django.DjangoModelFactory):
    """One ledger row (append-only: the database refuses any change after the insert). Signs
    follow LedgerKind: money towards the coach is positive."""

    class Meta:
        model = "payments.LedgerEntry"

    purchase = factory.SubFactory(PurchaseFactory)
    practice = factory.SelfAttribute("purchase.practice")
    kind = LedgerKind.CAPTURE_GROSS
    amount = factory.SelfAttribute("purchase.total")
    currency = factory.SelfAttribute("purchase.currency")
    provider = "paypal"
    provider_reference = factory.LazyFunction(lambda: f"CAP{next(_references):08d}")
    occurred_at = factory.LazyFunction(timezone.now)
