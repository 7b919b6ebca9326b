"""The ledger is append-only in the database itself: UPDATE and DELETE raise, whoever runs them
(the ORM, the admin, a hand-written SQL session). Corrections are new rows.

TRUNCATE is left alone on purpose: it is an operator's whole-table tool (and how the test runner
empties tables between transactional tests), not something the application ever issues. The SQL
is shared with packages' credits (sofadoc/migration_sql.py)."""

from django.db import migrations

from sofadoc.migration_sql import append_only


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_initial")]
    operations = [append_only(table="payments_ledgerentry", prefix="payments_ledger")]
