"""The privacy e-mails (export ready, account erased), in the person's language."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from privacy.links import export_download_path


def data_export_ready_mail(*, export) -> None:
    with translation.override(export.language):
        context = {
            "user": export.user,
            "export": export,
            "url": settings.SITE_URL + export_download_path(export),
            "list_url": settings.SITE_URL + reverse("privacy:export"),
        }
        subject = render_to_string("privacy/email/export_ready_subject.txt", context).strip()
        body = render_to_string("privacy/email/export_ready.txt", context)
    send_mail(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, body, None, [export.user.email])


def erasure_done_mail(*, address: str, language: str) -> None:
    with translation.override(language or "de"):
        subject = render_to_string("privacy/email/erased_subject.txt", {}).strip()
        body = render_to_string("privacy/email/erased.txt", {})
    send_mail(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, body, None, [address])
