"""The processors page named Twilio for video only; it also sends the SMS people switch on."""

from django.db import migrations

FIELDS = ("purpose", "purpose_en", "data", "data_en")


def update(apps, schema_editor):
    from privacy.processors import PROCESSORS

    Processor = apps.get_model("privacy", "Processor")
    twilio = next(p for p in PROCESSORS if p["name"] == "Twilio")
    Processor.objects.filter(name="Twilio").update(**{f: twilio[f] for f in FIELDS})


class Migration(migrations.Migration):
    dependencies = [("privacy", "0007_erasure_restrictions_processor_jobs")]

    operations = [migrations.RunPython(update, migrations.RunPython.noop)]
