"""Coaches and clients who met before this app existed get their relationship (and so appear in
the coach's client list): one per practice and client with a confirmed, completed or missed
session."""

from django.db import migrations


def forwards(apps, schema_editor):
    Booking = apps.get_model("bookings", "Booking")
    Relationship = apps.get_model("clients", "Relationship")
    pairs = (
        Booking.objects.filter(
            state__in=["confirmed", "completed", "no_show"], client__isnull=False
        )
        .values_list("practice_id", "client_id")
        .distinct()
    )
    Relationship.objects.bulk_create(
        [Relationship(practice_id=p, client_id=c) for p, c in pairs], ignore_conflicts=True
    )


class Migration(migrations.Migration):
    dependencies = [("clients", "0001_relationship_messages_notes_tasks_files")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
