"""Data minimisation for third-party models we don't own; retiring the consent gate's cached
answers when documents or decisions change."""

from allauth.usersessions.models import UserSession
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from privacy.models import ConsentRecord, LegalDocument
from privacy.pseudonyms import truncate_ip
from privacy.selectors import consent_changed


@receiver(pre_save, sender=UserSession, dispatch_uid="privacy.truncate_user_session_ip")
def truncate_user_session_ip(sender, instance, **kwargs):
    # The session list only needs a rough origin; the full address would be a needless record.
    instance.ip = truncate_ip(instance.ip) or "0.0.0.0"  # noqa: S104 - a value, not a bind


@receiver(post_save, sender=LegalDocument, dispatch_uid="privacy.legal_changed")
@receiver(post_delete, sender=LegalDocument, dispatch_uid="privacy.legal_deleted")
def legal_document_changed(sender, instance, **kwargs):
    # Everyone's cached "must accept first?" answer rests on the current versions.
    consent_changed()


@receiver(post_save, sender=ConsentRecord, dispatch_uid="privacy.consent_recorded")
def consent_recorded(sender, instance, **kwargs):
    if instance.subject_id:
        consent_changed(user_id=instance.subject_id)
