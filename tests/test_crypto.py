"""Values encrypted at rest: readable with any configured key, rotation keeps them readable."""

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from sofadoc import crypto

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def test_round_trip_hides_the_plain_text():
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW]):
        stored = crypto.encrypt("app-password-123")
        assert stored.startswith(crypto.PREFIX)
        assert "app-password-123" not in stored
        assert crypto.decrypt(stored) == "app-password-123"


def test_a_value_from_the_old_key_stays_readable_after_a_new_key_is_put_in_front():
    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD]):
        stored = crypto.encrypt("token")
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW, OLD]):
        assert crypto.decrypt(stored) == "token"


def test_dropping_a_key_before_rotating_fails_loudly_instead_of_showing_the_token():
    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD]):
        stored = crypto.encrypt("token")
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW]), pytest.raises(ImproperlyConfigured):
        crypto.decrypt(stored)


def test_plain_values_from_before_encryption_pass_through():
    assert crypto.decrypt("not encrypted") == "not encrypted"


def test_the_field_encrypts_on_the_way_in_and_decrypts_on_the_way_out():
    field = crypto.EncryptedTextField()
    stored = field.get_prep_value("note")
    assert stored != "note"
    assert field.from_db_value(stored, None, None) == "note"
    assert field.get_prep_value("") == ""


def test_deploy_check_warns_when_the_key_is_derived():
    with override_settings(FIELD_ENCRYPTION_KEYS_DERIVED=True):
        assert [w.id for w in crypto.check_keys_configured(None)] == ["sofadoc.W002"]
    with override_settings(FIELD_ENCRYPTION_KEYS_DERIVED=False):
        assert crypto.check_keys_configured(None) == []
