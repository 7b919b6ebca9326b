"""Privacy policy version 2 (German and English): corrected and brought up to date, with the
recipients from the processor registry and the periods from the retention schedule written in.
Version 1 stays as it was; signed-in people are asked to take note of version 2."""

import datetime

from django.db import migrations

PUBLISHED = datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC)


def publish(apps, schema_editor):
    from privacy.processors import PROCESSORS
    from privacy.publishing import policy_text

    LegalDocument = apps.get_model("privacy", "LegalDocument")
    Processor = apps.get_model("privacy", "Processor")
    processors = list(Processor.objects.filter(is_active=True).order_by("position", "name"))
    if not processors:  # a database without the seed: the registry's own list
        processors = [Processor(**entry) for entry in PROCESSORS]
    for language in ("de", "en"):
        title, body = policy_text(
            kind="privacy", version=2, language=language, processors=processors
        )
        LegalDocument.objects.get_or_create(
            kind="privacy",
            language=language,
            version=2,
            defaults={"title": title, "body": body, "published_at": PUBLISHED},
        )


class Migration(migrations.Migration):
    dependencies = [("privacy", "0010_consent_log_retention")]

    operations = [migrations.RunPython(publish, migrations.RunPython.noop)]
