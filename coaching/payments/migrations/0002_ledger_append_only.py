"""The ledger is append-only in the database itself: UPDATE and DELETE raise, whoever runs them
(the ORM, the admin, a hand-written SQL session). Corrections are new rows.

TRUNCATE is left alone on purpose: it is an operator's whole-table tool (and how the test runner
empties tables between transactional tests), not something the application ever issues."""

from django.db import migrations

POSTGRES_UP = """
CREATE OR REPLACE FUNCTION payments_ledger_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'payments_ledgerentry is append-only (%% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER payments_ledger_no_update BEFORE UPDATE ON payments_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION payments_ledger_append_only();
CREATE TRIGGER payments_ledger_no_delete BEFORE DELETE ON payments_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION payments_ledger_append_only();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS payments_ledger_no_update ON payments_ledgerentry;
DROP TRIGGER IF EXISTS payments_ledger_no_delete ON payments_ledgerentry;
DROP FUNCTION IF EXISTS payments_ledger_append_only();
"""
SQLITE_UP = [
    """CREATE TRIGGER payments_ledger_no_update BEFORE UPDATE ON payments_ledgerentry
       BEGIN SELECT RAISE(ABORT, 'payments_ledgerentry is append-only'); END;""",
    """CREATE TRIGGER payments_ledger_no_delete BEFORE DELETE ON payments_ledgerentry
       BEGIN SELECT RAISE(ABORT, 'payments_ledgerentry is append-only'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS payments_ledger_no_update;",
    "DROP TRIGGER IF EXISTS payments_ledger_no_delete;",
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
    dependencies = [("payments", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
