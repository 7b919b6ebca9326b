"""Encryption at rest for the few values a database dump must never reveal: calendar passwords
and OAuth tokens, coaches' private notes.

Keys come from the environment (`FIELD_ENCRYPTION_KEYS`, comma-separated Fernet keys, the newest
first). `MultiFernet` encrypts with the first key and decrypts with any of them, so a key is
rotated without losing data: put a new key in front, run `manage.py rotate_encryption_keys`
(which re-encrypts every encrypted column with the new key), then drop the old key.

An encrypted column cannot be searched or compared in SQL (each encryption is randomised);
keep anything a query needs in a plain column beside it.
"""

from __future__ import annotations

import functools

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.apps import apps
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models, transaction

# Stored values start with this so a plain value (e.g. from before a column was encrypted) is
# never mistaken for a token, and a token is never shown as text.
PREFIX = "fernet:"


@checks.register(checks.Tags.security, deploy=True)
def check_keys_configured(app_configs, **kwargs):
    if getattr(settings, "FIELD_ENCRYPTION_KEYS_DERIVED", False):
        return [
            checks.Warning(
                "FIELD_ENCRYPTION_KEYS is not set; the key is derived from DJANGO_SECRET_KEY, "
                "so changing that key would make encrypted values unreadable.",
                id="sofadoc.W002",
            )
        ]
    return []


@functools.cache
def _fernet_for(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty.")
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError as error:
        raise ImproperlyConfigured(
            f"FIELD_ENCRYPTION_KEYS holds an invalid key: {error}"
        ) from error


def fernet() -> MultiFernet:
    return _fernet_for(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(value: str) -> str:
    return PREFIX + fernet().encrypt(value.encode()).decode()


def decrypt(stored: str) -> str:
    if not stored.startswith(PREFIX):
        return stored
    try:
        return fernet().decrypt(stored[len(PREFIX) :].encode()).decode()
    except InvalidToken as error:
        # A key was dropped before its values were rotated: fail loudly, never show a token.
        raise ImproperlyConfigured(
            "An encrypted value cannot be read with FIELD_ENCRYPTION_KEYS; was a key removed "
            "before `rotate_encryption_keys` ran?"
        ) from error


class EncryptedTextField(models.TextField):
    """A text column stored encrypted; Python code sees plain text."""

    def from_db_value(self, value, expression, connection):
        return value if value is None or value == "" else decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)


def encrypted_fields() -> list[tuple[type[models.Model], str]]:
    return [
        (model, field.attname)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedTextField)
    ]


def rotate_all() -> int:
    """Re-encrypt every encrypted value with the newest key; returns how many were rewritten."""
    multi = fernet()
    rewritten = 0
    for model, attname in encrypted_fields():
        column = model._meta.get_field(attname).column  # type: ignore[union-attr]
        table = model._meta.db_table
        pk = model._meta.pk.column
        # Raw values: going through the field would decrypt them.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f'SELECT "{pk}", "{column}" FROM "{table}" '  # noqa: S608 (names from models)
                f'WHERE "{column}" LIKE %s',
                [PREFIX + "%"],
            )
            for row_pk, stored in cursor.fetchall():
                token = multi.rotate(stored[len(PREFIX) :].encode()).decode()
                cursor.execute(
                    f'UPDATE "{table}" SET "{column}" = %s WHERE "{pk}" = %s',  # noqa: S608
                    [PREFIX + token, row_pk],
                )
                rewritten += 1
    return rewritten
