"""Receipts issued by bookings (bookings.Receipt) become billing documents, numbers unchanged.

Each keeps its number in the coach's series (the series continues after the highest one), its
issuer snapshot and issue date; the amounts come from the booking's price as the old receipt
showed them. The old receipt named the client only on screen, from their account: the document
keeps a snapshot of that name. A receipt whose client had erased their account is restricted.
Only bookings' Receipt and Booking are read (not Payment, which moves to payments meanwhile).
"""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db import migrations

CENT = Decimal("0.01")


def _split(gross, rate):
    if not rate:
        return gross, Decimal("0.00")
    net = (gross * 100 / (100 + rate)).quantize(CENT, rounding=ROUND_HALF_UP)
    return net, gross - net


def forwards(apps, schema_editor):
    Receipt = apps.get_model("bookings", "Receipt")
    Document = apps.get_model("billing", "Document")
    DocumentLine = apps.get_model("billing", "DocumentLine")
    NumberSeries = apps.get_model("billing", "NumberSeries")
    highest = {}
    receipts = Receipt.objects.select_related("booking", "booking__client").order_by("pk")
    for receipt in receipts.iterator(chunk_size=500):
        booking = receipt.booking
        rate = Decimal("0.00") if receipt.small_business else Decimal("19.00")
        gross = booking.price
        net, vat = _split(gross, rate)
        client = booking.client
        document = Document.objects.create(
            kind="receipt",
            issuer_key=f"practice:{receipt.practice_id}",
            number=receipt.number,
            issued_at=receipt.issued_at,
            practice_id=receipt.practice_id,
            source_key=f"bookings-receipt:{receipt.pk}",
            issuer_name=receipt.issuer_name,
            issuer_address=receipt.issuer_address,
            issuer_tax_number=receipt.issuer_tax_number,
            tax_treatment="small_business" if receipt.small_business else "vat",
            vat_rate=rate,
            recipient_user_id=booking.client_id,
            recipient_name=client.display_name if client else "",
            recipient_required=gross > Decimal("250.00"),
            restricted=client is None,
            currency=booking.currency,
            net_total=net,
            vat_total=vat,
            gross_total=gross,
            retain_until=date(receipt.issued_at.year + 8, 12, 31),
        )
        DocumentLine.objects.create(
            document=document,
            position=1,
            item_kind="booking",
            item_id=booking.pk,
            description=booking.session_name,
            service_date=booking.start,
            net=net,
            vat=vat,
            gross=gross,
        )
        year, _dash, sequence = receipt.number.partition("-")
        if year.isdigit() and sequence.isdigit():
            key = (f"practice:{receipt.practice_id}", int(year))
            highest[key] = max(highest.get(key, 0), int(sequence))
    for (issuer_key, year), last in highest.items():
        NumberSeries.objects.update_or_create(
            issuer_key=issuer_key, year=year, defaults={"last_number": last}
        )


def backwards(apps, schema_editor):
    # The documents stay (the database refuses to delete them inside the retention period);
    # going back re-creates nothing in bookings.
    pass


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0002_documents_immutable"),
        ("bookings", "0002_no_overlapping_bookings"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
