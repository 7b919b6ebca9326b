from django.db import migrations


def seed(apps, schema_editor):
    from privacy.processors import PROCESSORS

    Processor = apps.get_model("privacy", "Processor")
    for position, entry in enumerate(PROCESSORS):
        Processor.objects.get_or_create(
            name=entry["name"], defaults={**entry, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("privacy", "0003_export_erasure_support_processors")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
