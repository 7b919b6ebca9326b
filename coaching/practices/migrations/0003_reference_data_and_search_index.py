"""Languages and specialties to start with, and the full-text index (PostgreSQL only)."""

from django.db import migrations

LANGUAGES = ["de", "en", "fr", "es", "it", "nl", "pl", "tr", "ru", "uk", "ar", "pt"]
SPECIALTIES = [
    ("business", "Business-Coaching", "Business coaching"),
    ("career", "Karriere & Beruf", "Career"),
    ("leadership", "Führung", "Leadership"),
    ("life", "Life-Coaching", "Life coaching"),
    ("stress", "Stress & Burnout-Prävention", "Stress and burnout prevention"),
    ("relationships", "Beziehung & Partnerschaft", "Relationships"),
    ("health", "Gesundheit & Ernährung", "Health and nutrition"),
    ("parenting", "Eltern & Familie", "Parenting and family"),
    ("confidence", "Selbstvertrauen", "Self-confidence"),
    ("communication", "Kommunikation", "Communication"),
]


def add_reference_data(apps, schema_editor):
    Language = apps.get_model("practices", "Language")
    Specialty = apps.get_model("practices", "Specialty")
    for position, code in enumerate(LANGUAGES):
        Language.objects.get_or_create(code=code, defaults={"position": position})
    for position, (slug, name_de, name_en) in enumerate(SPECIALTIES):
        Specialty.objects.get_or_create(
            slug=slug, defaults={"name_de": name_de, "name_en": name_en, "position": position}
        )


def create_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS practice_search_document_gin "
            "ON practices_practice USING gin (search_document)"
        )


def drop_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS practice_search_document_gin")


class Migration(migrations.Migration):
    dependencies = [("practices", "0002_profile_specialties_languages")]

    operations = [
        migrations.RunPython(add_reference_data, migrations.RunPython.noop),
        migrations.RunPython(create_search_index, drop_search_index),
    ]
