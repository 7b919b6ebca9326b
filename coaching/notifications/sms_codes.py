"""Confirming a mobile number by a code sent by SMS; only a confirmed number gets texts."""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from coaching.notifications import sms
from coaching.notifications.models import (
    Preferences,
)
from coaching.notifications.preferences import (
    preferences_for,
)
from sofadoc.errors import ShownError

if TYPE_CHECKING:
    from sofadoc.accounts.models import User

logger = logging.getLogger(__name__)


SMS_CODE_MINUTES = 10
SMS_CODE_ATTEMPTS = 5


class SmsCodeError(ShownError):
    """The code was not sent or not accepted; `message` says why."""


def _code_hash(user: User, code: str) -> str:
    return salted_hmac("notifications.sms-code", f"{user.pk}:{user.phone}:{code}").hexdigest()


def sms_code_send(*, user: User) -> None:
    """Text a six-digit code to the profile's number; confirming it enables SMS."""
    if not user.phone:
        raise SmsCodeError(_("Add your mobile number in your profile first."))
    with transaction.atomic(durable=True):
        prefs = Preferences.objects.select_for_update().get(pk=preferences_for(user).pk)
        now = timezone.now()
        if prefs.sms_code_expires_at and prefs.sms_code_expires_at - now > timedelta(
            minutes=SMS_CODE_MINUTES - 1
        ):
            raise SmsCodeError(_("A code was just sent. Please wait a minute before asking again."))
        code = f"{secrets.randbelow(10**6):06d}"
        prefs.sms_code_hash = _code_hash(user, code)
        prefs.sms_code_expires_at = now + timedelta(minutes=SMS_CODE_MINUTES)
        prefs.sms_code_attempts = 0
        prefs.save()
        with translation.override(user.language):
            body = _("Your SofaDoc confirmation code: %(code)s") % {"code": code}
        try:
            sms.sms_backend().send(to=user.phone, body=body)
        except sms.SmsUnavailable as error:
            # Rolled back with the code: the person may ask again at once.
            raise SmsCodeError(
                _("SMS cannot be sent right now. Please try again in a few minutes.")
            ) from error
        except sms.SmsError as error:
            raise SmsCodeError(_("We could not send an SMS to this number.")) from error


def sms_code_confirm(*, user: User, code: str) -> None:
    from django.utils.translation import gettext as _

    # The error is raised after the commit, so a wrong guess is counted, not rolled back.
    error = None
    with transaction.atomic(durable=True):
        prefs = Preferences.objects.select_for_update().get(pk=preferences_for(user).pk)
        if (
            not prefs.sms_code_hash
            or not prefs.sms_code_expires_at
            or prefs.sms_code_expires_at < timezone.now()
            or prefs.sms_code_attempts >= SMS_CODE_ATTEMPTS
        ):
            error = _("This code has expired. Please ask for a new one.")
        elif not constant_time_compare(prefs.sms_code_hash, _code_hash(user, code.strip())):
            prefs.sms_code_attempts += 1
            prefs.save(update_fields=["sms_code_attempts", "updated_at"])
            error = _("That code is not right.")
        else:
            prefs.sms_confirmed_phone = user.phone
            prefs.sms_opted_out_at = None
            prefs.sms_code_hash = ""
            prefs.sms_code_expires_at = None
            prefs.save()
    if error:
        raise SmsCodeError(error)
