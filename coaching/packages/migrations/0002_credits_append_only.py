"""Credit entries are append-only in the database itself, like the payments ledger (the same SQL,
sofadoc/migration_sql.py): UPDATE and DELETE raise, whoever runs them. A balance is their sum, so
it can never drift."""

from django.db import migrations

from sofadoc.migration_sql import append_only


class Migration(migrations.Migration):
    dependencies = [("packages", "0001_packages_credits_series")]
    operations = [append_only(table="packages_creditentry", prefix="packages_credits")]
