"""Payments, refunds and PayPal webhook events move from bookings to payments (issue 15).

Every booking that had a payment gets a Purchase with one line of kind "booking" (its reference
as the purchase reference, no platform fee: none was taken before), its payments and refunds are
copied under that purchase, and captured money and completed refunds get their ledger rows, so
earnings and documents computed from the ledger include the past. Then the old tables go.
Irreversible: the data lives on in payments."""

from decimal import Decimal

import django.db.models.deletion
from django.db import migrations, models

CAPTURED = {"captured", "partially_refunded", "refunded", "reversed"}
ZERO = Decimal("0.00")


def copy_money(apps, schema_editor):
    Booking = apps.get_model("bookings", "Booking")
    OldPayment = apps.get_model("bookings", "Payment")
    OldRefund = apps.get_model("bookings", "Refund")
    OldEvent = apps.get_model("bookings", "WebhookEvent")
    Purchase = apps.get_model("payments", "Purchase")
    PurchaseLine = apps.get_model("payments", "PurchaseLine")
    Payment = apps.get_model("payments", "Payment")
    Refund = apps.get_model("payments", "Refund")
    WebhookEvent = apps.get_model("payments", "WebhookEvent")
    LedgerEntry = apps.get_model("payments", "LedgerEntry")

    def ledger(purchase, provider, reference, when, rows, currency):
        LedgerEntry.objects.bulk_create(
            LedgerEntry(
                practice_id=purchase.practice_id,
                purchase=purchase,
                kind=kind,
                amount=amount,
                currency=currency,
                provider=provider,
                provider_reference=reference,
                occurred_at=when,
                memo="moved from bookings",
            )
            for kind, amount in rows
        )

    paid = Booking.objects.filter(pk__in=OldPayment.objects.values("booking_id"))
    for booking in paid.order_by("pk").iterator():
        purchase = Purchase.objects.create(
            practice_id=booking.practice_id,
            buyer_id=booking.client_id,
            reference=booking.reference,
            total=booking.price,
            currency=booking.currency,
            platform_fee=ZERO,
            created_at=booking.created_at,
        )
        PurchaseLine.objects.create(
            purchase=purchase,
            kind="booking",
            object_id=booking.pk,
            description=booking.session_name[:200],
            service_date=booking.start,
            amount=booking.price,
            currency=booking.currency,
        )
        Booking.objects.filter(pk=booking.pk).update(purchase=purchase)
        for old in OldPayment.objects.filter(booking_id=booking.pk).order_by("pk"):
            payment = Payment.objects.create(
                purchase=purchase,
                provider=old.provider,
                order_id=old.order_id,
                capture_id=old.capture_id,
                status=old.status,
                amount=old.amount,
                currency=old.currency,
                paypal_fee=old.paypal_fee,
                platform_fee=old.platform_fee,
                net_amount=old.net_amount,
                created_at=old.created_at,
                captured_at=old.captured_at,
            )
            if old.status in CAPTURED and old.capture_id:
                paypal_fee, platform_fee = old.paypal_fee or ZERO, old.platform_fee or ZERO
                ledger(
                    purchase,
                    old.provider,
                    old.capture_id,
                    old.captured_at or old.created_at,
                    [
                        ("capture_gross", old.amount),
                        ("paypal_fee", -paypal_fee),
                        ("platform_fee", -platform_fee),
                        ("net", old.amount - paypal_fee - platform_fee),
                    ],
                    old.currency,
                )
            for refund in OldRefund.objects.filter(payment_id=old.pk).order_by("pk"):
                Refund.objects.create(
                    payment=payment,
                    refund_id=refund.refund_id,
                    amount=refund.amount,
                    currency=refund.currency,
                    status=refund.status,
                    reason=refund.reason,
                    created_at=refund.created_at,
                )
                if refund.status == "completed" and refund.refund_id:
                    ledger(
                        purchase,
                        old.provider,
                        refund.refund_id,
                        refund.created_at,
                        [
                            ("refund_gross", -refund.amount),
                            ("refund_paypal_fee", ZERO),
                            ("refund_platform_fee", ZERO),
                            ("refund_net", -refund.amount),
                        ],
                        refund.currency,
                    )
    WebhookEvent.objects.bulk_create(
        WebhookEvent(
            event_id=event.event_id,
            event_type=event.event_type,
            resource_id=event.resource_id,
            payload=event.payload,
            received_at=event.received_at,
            processed_at=event.processed_at,
            outcome=event.outcome,
        )
        for event in OldEvent.objects.all().iterator()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0002_no_overlapping_bookings"),
        ("payments", "0003_pay_payments_refunds_webhooks"),
    ]

    operations = [
        migrations.AddField(
            model_name="booking",
            name="purchase",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="bookings",
                to="payments.purchase",
                verbose_name="purchase",
            ),
        ),
        migrations.RunPython(copy_money, elidable=False),
        migrations.RemoveField(model_name="payment", name="booking"),
        migrations.RemoveField(model_name="refund", name="payment"),
        migrations.DeleteModel(name="WebhookEvent"),
        migrations.DeleteModel(name="Payment"),
        migrations.DeleteModel(name="Refund"),
    ]
