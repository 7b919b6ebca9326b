from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.db import DatabaseError
from django.utils import translation

from privacy.pseudonyms import request_ip, truncate_ip
from privacy.services import SIGNUP_PURPOSES, consent_record
from sofadoc.accounts.timezones import is_valid_time_zone


class AccountAdapter(DefaultAccountAdapter):
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
