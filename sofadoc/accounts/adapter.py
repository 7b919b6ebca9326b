import logging

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib import messages
from django.db import DatabaseError
from django.utils import translation
from django.utils.translation import gettext as _

from privacy.pseudonyms import request_ip, truncate_ip
from privacy.services import SIGNUP_PURPOSES, consent_record
from sofadoc.accounts.timezones import is_valid_time_zone

logger = logging.getLogger(__name__)


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Account e-mails (address confirmation, password reset, login code) go out during the
        request. With the mail server down or slow (EMAIL_TIMEOUT) the page says so instead of
        a 500; everything else of the request stands, and each of these mails can be asked for
        again (resend the confirmation, reset the password again)."""
        try:
            super().send_mail(template_prefix, email, context)
        except OSError as error:  # smtplib's errors, refused and timed-out connections
            logger.warning("account mail %s not sent: %s", template_prefix, type(error).__name__)
            request = allauth_context.request
            if request is not None:
                messages.warning(
                    request,
                    _(
                        "We could not send you the e-mail right now. Please ask for it again "
                        "in a few minutes."
                    ),
                )

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        data = form.cleaned_data
        user.display_name = data.get("display_name", "").strip()
        browser_zone = data.get("time_zone") or request.COOKIES.get(settings.TIME_ZONE_COOKIE_NAME)
        if is_valid_time_zone(browser_zone):
            user.time_zone = browser_zone
        language = translation.get_language() or settings.LANGUAGE_CODE
        user.language = language[:2] if language[:2] in dict(settings.LANGUAGES) else "de"
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
