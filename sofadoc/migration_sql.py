"""Hand-written SQL that migrations run, per database: PostgreSQL in production and the tests,
SQLite for the demo. `vendor_sql` picks the statements for the database at hand; `append_only` is
the guard the append-only tables share (payments' ledger, packages' credits): UPDATE and DELETE
raise, whoever runs them; TRUNCATE stays the operator's whole-table tool (and how the test runner
empties tables between transactional tests).

Migrations import this module, and a fresh database replays every one of them: what a helper
produces for the same arguments must never change. Add a helper rather than editing one.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import migrations


def vendor_sql(
    *,
    postgres_up: str,
    postgres_down: str,
    sqlite_up: Sequence[str],
    sqlite_down: Sequence[str],
) -> migrations.RunPython:
    """A reversible operation running the PostgreSQL script or the SQLite statements (SQLite
    runs one statement per call); other databases get nothing."""

    def forwards(apps, schema_editor) -> None:
        _execute(schema_editor, postgres_up, sqlite_up)

    def backwards(apps, schema_editor) -> None:
        _execute(schema_editor, postgres_down, sqlite_down)

    return migrations.RunPython(forwards, backwards)


def _execute(schema_editor, postgres: str, sqlite: Sequence[str]) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(postgres)
    elif vendor == "sqlite":
        for statement in sqlite:
            schema_editor.execute(statement)


def append_only(*, table: str, prefix: str) -> migrations.RunPython:
    """UPDATE and DELETE on `table` raise (SQLSTATE insufficient_privilege on PostgreSQL), through
    the function `<prefix>_append_only` and the triggers `<prefix>_no_update`, `<prefix>_no_delete`.
    (`%%` is a literal `%` once the schema editor has passed the script through the driver.)"""
    function, no_update, no_delete = (
        f"{prefix}_append_only",
        f"{prefix}_no_update",
        f"{prefix}_no_delete",
    )
    return vendor_sql(
        postgres_up=f"""
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{table} is append-only (%% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER {no_update} BEFORE UPDATE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {function}();
CREATE TRIGGER {no_delete} BEFORE DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {function}();
""",
        postgres_down=f"""
DROP TRIGGER IF EXISTS {no_update} ON {table};
DROP TRIGGER IF EXISTS {no_delete} ON {table};
DROP FUNCTION IF EXISTS {function}();
""",
        sqlite_up=[
            f"""CREATE TRIGGER {no_update} BEFORE UPDATE ON {table}
       BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;""",
            f"""CREATE TRIGGER {no_delete} BEFORE DELETE ON {table}
       BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;""",
        ],
        sqlite_down=[
            f"DROP TRIGGER IF EXISTS {no_update};",
            f"DROP TRIGGER IF EXISTS {no_delete};",
        ],
    )
