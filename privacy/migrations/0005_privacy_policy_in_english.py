"""The English translation of the first privacy policy (privacy/legal_texts/privacy-en-1.txt)."""

import importlib

from django.db import migrations


def load_documents(apps, schema_editor):
    first = importlib.import_module("privacy.migrations.0002_append_only_and_first_documents")
    first.load_documents(apps, schema_editor)  # idempotent: adds the texts not loaded yet


class Migration(migrations.Migration):
    dependencies = [("privacy", "0004_seed_processors")]

    operations = [migrations.RunPython(load_documents, migrations.RunPython.noop)]
