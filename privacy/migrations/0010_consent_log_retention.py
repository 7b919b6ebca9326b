"""The consent log stays append-only, with one exception the retention schedule needs: rows of
erased accounts and of visitors (no person linked) may be deleted once they are 3 years old."""

from django.db import migrations

APPEND_ONLY_SQL = """
CREATE OR REPLACE FUNCTION privacy_consentrecord_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD.subject_id IS NULL AND OLD.created_at < now() - interval '3 years' THEN
      RETURN OLD;
    END IF;
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
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY_SQL)


class Migration(migrations.Migration):
    dependencies = [("privacy", "0009_request_register_retention_runs")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
