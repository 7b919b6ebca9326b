"""The consent log rejects UPDATE/DELETE on PostgreSQL; the first legal texts are loaded."""

import datetime
from pathlib import Path

from django.db import migrations

TEXTS = Path(__file__).resolve().parent.parent / "legal_texts"
FIRST_PUBLISHED = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)

# The only change allowed: erasure detaches the person (subject NULL, truncated IP cleared).
APPEND_ONLY_SQL = """
CREATE OR REPLACE FUNCTION privacy_consentrecord_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'privacy_consentrecord is append-only';
  END IF;
  IF NEW.subject_id IS NULL
     AND NEW.pseudonym = OLD.pseudonym AND NEW.purpose = OLD.purpose
     AND NEW.document_id IS NOT DISTINCT FROM OLD.document_id
     AND NEW.granted = OLD.granted AND NEW.source = OLD.source
     AND NEW.created_at = OLD.created_at
     AND (NEW.ip_truncated = OLD.ip_truncated OR NEW.ip_truncated = '') THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'privacy_consentrecord is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER privacy_consentrecord_append_only
  BEFORE UPDATE OR DELETE ON privacy_consentrecord
  FOR EACH ROW EXECUTE FUNCTION privacy_consentrecord_append_only();
"""
DROP_SQL = """
DROP TRIGGER IF EXISTS privacy_consentrecord_append_only ON privacy_consentrecord;
DROP FUNCTION IF EXISTS privacy_consentrecord_append_only();
"""


def append_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY_SQL)


def drop_append_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL)


def load_documents(apps, schema_editor):
    LegalDocument = apps.get_model("privacy", "LegalDocument")
    for path in sorted(TEXTS.glob("*.txt")):
        kind, language, version = path.stem.split("-")
        text = path.read_text(encoding="utf-8").strip()
        title, _, body = text.partition("\n")
        LegalDocument.objects.get_or_create(
            kind=kind,
            language=language,
            version=int(version),
            defaults={
                "title": title.strip(),
                "body": body.strip(),
                "published_at": FIRST_PUBLISHED,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial")]

    operations = [
        migrations.RunPython(append_only, drop_append_only),
        migrations.RunPython(load_documents, migrations.RunPython.noop),
    ]
