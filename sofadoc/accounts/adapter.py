import logging
import secrets
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone, translation
from django.utils.formats import date_format

from privacy.pseudonyms import request_ip, truncate_ip
from privacy.services import SIGNUP_PURPOSES, consent_record
from sofadoc.accounts.models import User
from sofadoc.accounts.timezones import is_valid_time_zone
from sofadoc.mail import SITE_NAME, mail_queue

logger = logging.getLogger(__name__)


def _request_language() -> str:
    """The page's language as a person's language (one of LANGUAGES; the default otherwise)."""
    language = (translation.get_language() or settings.LANGUAGE_CODE)[:2]
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _plain_values(context: dict[str, Any]) -> dict[str, Any]:
    """What of allauth's context a worker can render later: links, codes, the address and the
    (truncated) IP as text; a time as the person reads it; objects (user, request, site) are
    left out, the worker knows the recipient."""
    plain: dict[str, Any] = {}
    for name, value in context.items():
        if isinstance(value, datetime):
            plain[name] = date_format(timezone.localtime(value), "DATETIME_FORMAT")
        elif isinstance(value, str | int | float | bool) or value is None:
            plain[name] = value
    return plain


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Account e-mails (address confirmation, password reset, login code, security notices)
        go through the delivery log like every other mail (sofadoc/mail.py): queued here,
        sent by a worker once the request commits, retried while the mail server is down, in
        the person's language, from SofaDoc's own templates (templates/notifications/account.txt
        includes allauth's pair for `template_prefix`)."""
        user = context.get("user")
        user = user if isinstance(user, User) and user.pk else None
        language = user.language if user is not None else _request_language()
        with translation.override(language):
            payload = {
                **_plain_values(context),
                "template_prefix": template_prefix,
                "email": email,
                "subject_prefix": settings.ACCOUNT_EMAIL_SUBJECT_PREFIX,
                "current_site": {"name": SITE_NAME, "domain": urlsplit(settings.SITE_URL).netloc},
            }
        mail_queue(
            kind="account",
            # Every account mail is news (a second reset link, a new code): a key of its own.
            key=f"{timezone.now():%Y%m%d%H%M%S%f}-{secrets.token_hex(4)}",
            user=user,
            # Another of the person's addresses (one being confirmed), or no account at all.
            address="" if user is not None and email == user.email else email,
            language=language,
            payload=payload,
        )

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        data = form.cleaned_data
        user.display_name = data.get("display_name", "").strip()
        browser_zone = data.get("time_zone") or request.COOKIES.get(settings.TIME_ZONE_COOKIE_NAME)
        if is_valid_time_zone(browser_zone):
            user.time_zone = browser_zone
        user.language = _request_language()
        if commit:
            user.save()
            consent_record(
                user=user,
                decisions=dict.fromkeys(SIGNUP_PURPOSES, True),
                source="signup",
                ip=request_ip(request),
            )
        return user

    def send_notification_mail(self, template_prefix, user, context=None, email=None):
        """Security notices say where a change came from; the address is truncated there, as
        wherever SofaDoc shows or keeps one (privacy policy § 1)."""
        context = {**(context or {}), "ip": truncate_ip(self.get_client_ip(self.request))}
        super().send_notification_mail(template_prefix, user, context=context, email=email)

    def authenticate(self, request, **credentials):
        """allauth counts the attempt against the account (5 failures lock it for 5 minutes)
        before it checks the password. When the check fails because the database is down, the
        person did nothing wrong: without this, whoever tried to sign in a few times during a
        PostgreSQL outage would still be locked out minutes after it."""
        try:
            return super().authenticate(request, **credentials)
        except DatabaseError:
            self._rollback_login_failed_rl_usage()
            raise
