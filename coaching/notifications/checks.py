"""Deployment checks for sending (run by `manage.py check --deploy`, which the release runs
with --fail-level WARNING, so a release with them fails)."""

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.template import TemplateDoesNotExist
from django.template.loader import get_template

from coaching.notifications.registry import SMS, registered_kinds

# Backends that send nothing: right for the demo and tests, wrong in production, where the
# console one would also write every message (names, addresses, session times) to the logs.
NOT_SENDING = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}


@register(Tags.security, deploy=True)
def email_is_really_sent(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[CheckMessage]:
    if settings.EMAIL_BACKEND in NOT_SENDING:
        return [
            Warning(
                f"EMAIL_BACKEND is {settings.EMAIL_BACKEND}: no message reaches anyone.",
                hint="Set EMAIL_URL, e.g. smtp+tls://user:password@host:587.",
                id="sofadoc.W001",
            )
        ]
    return []


@register()
def kinds_have_templates(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[CheckMessage]:
    """Each registered kind has its message template (and its SMS template if it may text)."""
    errors: list[CheckMessage] = []
    for kind in registered_kinds():
        names = [kind.template] + ([kind.sms_template] if SMS in kind.channels else [])
        for name in names:
            try:
                get_template(name)
            except TemplateDoesNotExist:
                errors.append(
                    Error(
                        f"notification kind {kind.code}: template {name} is missing",
                        hint="See coaching/notifications/registry.py.",
                        id="notifications.E001",
                    )
                )
    return errors
