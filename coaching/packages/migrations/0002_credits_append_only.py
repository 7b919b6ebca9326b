"""Credit entries are append-only in the database itself, like the payments ledger: UPDATE and
DELETE raise, whoever runs them. A balance is their sum, so it can never drift."""

from django.db import migrations

POSTGRES_UP = """
CREATE OR REPLACE FUNCTION packages_credits_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'packages_creditentry is append-only (%% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER packages_credits_no_update BEFORE UPDATE ON packages_creditentry
    FOR EACH ROW EXECUTE FUNCTION packages_credits_append_only();
CREATE TRIGGER packages_credits_no_delete BEFORE DELETE ON packages_creditentry
    FOR EACH ROW EXECUTE FUNCTION packages_credits_append_only();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS packages_credits_no_update ON packages_creditentry;
DROP TRIGGER IF EXISTS packages_credits_no_delete ON packages_creditentry;
DROP FUNCTION IF EXISTS packages_credits_append_only();
"""
SQLITE_UP = [
    """CREATE TRIGGER packages_credits_no_update BEFORE UPDATE ON packages_creditentry
       BEGIN SELECT RAISE(ABORT, 'packages_creditentry is append-only'); END;""",
    """CREATE TRIGGER packages_credits_no_delete BEFORE DELETE ON packages_creditentry
       BEGIN SELECT RAISE(ABORT, 'packages_creditentry is append-only'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS packages_credits_no_update;",
    "DROP TRIGGER IF EXISTS packages_credits_no_delete;",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_UP:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_DOWN:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("packages", "0001_packages_credits_series")]
    operations = [migrations.RunPython(forwards, backwards)]
