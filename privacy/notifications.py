"""The one e-mail sent outside the delivery log: the confirmation that an account was erased,
to the address it had. The account (and so any Notification row for it) is gone by then; the
address lives only in the task's memory. "Your export is ready" is a notification kind
(data_export_ready, coaching/notifications/kinds.py)."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation


def erasure_done_mail(*, address: str, language: str) -> None:
    with translation.override(language or "de"):
        subject = render_to_string("privacy/email/erased_subject.txt", {}).strip()
        body = render_to_string("privacy/email/erased.txt", {})
    send_mail(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, body, None, [address])
