"""Phone numbers are stored in E.164 (+4915112345678); input may be national German format."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

DEFAULT_REGION = "DE"


def normalize_phone(raw: str) -> str:
    """Return the E.164 form of `raw` or raise ValidationError with a message for people."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    try:
        number = phonenumbers.parse(raw, DEFAULT_REGION)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(_("Enter a phone number, e.g. +49 151 23456789."), "invalid") from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(_("This phone number does not exist."), "invalid")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def validate_e164(value: str) -> None:
    if value and normalize_phone(value) != value:
        raise ValidationError(_("Phone numbers are stored in international format."), "invalid")
