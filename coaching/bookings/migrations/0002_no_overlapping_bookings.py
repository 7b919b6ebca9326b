"""No double booking, ever: PostgreSQL refuses two time-holding bookings of one practice whose
blocked ranges (session plus buffers) overlap, whatever the application code does.

SQLite (the zero-setup demo) has no exclusion constraints; there the hold service's lock and
re-check are the only guard, which is enough for a single demo process.
"""

from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations

CONSTRAINT = """
ALTER TABLE bookings_booking ADD CONSTRAINT booking_no_overlap EXCLUDE USING gist (
    practice_id WITH =,
    tstzrange(blocked_start, blocked_end, '[)') WITH &&
) WHERE (state IN ('held', 'confirmed'))
"""


def add_constraint(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CONSTRAINT)


def drop_constraint(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE bookings_booking DROP CONSTRAINT IF EXISTS booking_no_overlap"
        )


class Migration(migrations.Migration):
    dependencies = [("bookings", "0001_initial")]

    operations = [
        BtreeGistExtension(),
        migrations.RunPython(add_constraint, drop_constraint),
    ]
