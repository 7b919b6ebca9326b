"""Deployment checks for sending (run by `manage.py check --deploy`, which the release runs
with --fail-level WARNING, so a release with them fails)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

# Backends that send nothing: right for the demo and tests, wrong in production, where the
# console one would also write every message (names, addresses, session times) to the logs.
NOT_SENDING = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}


@register(Tags.security, deploy=True)
def email_is_really_sent(app_configs, **kwargs):
    if settings.EMAIL_BACKEND in NOT_SENDING:
        return [
            Warning(
                f"EMAIL_BACKEND is {settings.EMAIL_BACKEND}: no message reaches anyone.",
                hint="Set EMAIL_URL, e.g. smtp+tls://user:password@host:587.",
                id="sofadoc.W001",
            )
        ]
    return []
