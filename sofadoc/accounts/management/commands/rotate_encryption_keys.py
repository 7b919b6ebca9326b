"""Re-encrypt every encrypted column with the newest key of FIELD_ENCRYPTION_KEYS."""

from django.core.management.base import BaseCommand

from sofadoc.crypto import rotate_all


class Command(BaseCommand):
    help = "Re-encrypt every encrypted value with the first key of FIELD_ENCRYPTION_KEYS."

    def handle(self, *args, **options):
        count = rotate_all()
        self.stdout.write(f"{count} value(s) re-encrypted with the newest key.")
