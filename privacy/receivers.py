"""Data minimisation for third-party models we don't own; retiring the consent gate's cached
answers when documents or decisions change."""

import contextlib
from typing import Any

from allauth.usersessions.models import UserSession
from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from privacy.models import ConsentRecord, LegalDocument
from privacy.pseudonyms import truncate_ip
from privacy.selectors import COOKIE_VERSION_CACHE_KEY, consent_changed, consent_is_pending
from sofadoc.accounts.models import User


@receiver(pre_save, sender=UserSession, dispatch_uid="privacy.truncate_user_session_ip")
def truncate_user_session_ip(
    sender: type[UserSession], instance: UserSession, **kwargs: Any
) -> None:
    # The session list only needs a rough origin; the full address would be a needless record.
    instance.ip = truncate_ip(instance.ip) or "0.0.0.0"  # noqa: S104 - a value, not a bind


@receiver(post_save, sender=LegalDocument, dispatch_uid="privacy.legal_changed")
@receiver(post_delete, sender=LegalDocument, dispatch_uid="privacy.legal_deleted")
def legal_document_changed(
    sender: type[LegalDocument], instance: LegalDocument, **kwargs: Any
) -> None:
    # Everyone's cached "must accept first?" answer rests on the current versions.
    consent_changed()
    if instance.kind == LegalDocument.Kind.COOKIES:
        # A cache outage is harmless here: the entry expires within minutes anyway.
        with contextlib.suppress(Exception):
            cache.delete(COOKIE_VERSION_CACHE_KEY)


@receiver(post_save, sender=ConsentRecord, dispatch_uid="privacy.consent_recorded")
def consent_recorded(sender: type[ConsentRecord], instance: ConsentRecord, **kwargs: Any) -> None:
    if instance.subject_id:
        consent_changed(user_id=instance.subject_id)


@receiver(user_logged_in, dispatch_uid="privacy.ask_to_take_note_of_new_versions")
def ask_to_take_note_of_new_versions(
    sender: type[User], request: HttpRequest | None, user: User, **kwargs: Any
) -> None:
    """A new privacy policy or terms version: the person is asked at their next visit (sign-in)
    to take note; booking and practice pages wait until they have (ConsentGateMiddleware)."""
    if request is None or not consent_is_pending(user=user):
        return
    messages.info(
        request,
        format_html(
            '{} <a href="{}">{}</a>',
            _("We have published a new version of our privacy policy or terms."),
            reverse("privacy:accept"),
            _("Please take note of it."),
        ),
        fail_silently=True,  # a sign-in without the message machinery (tests, force_login)
    )
