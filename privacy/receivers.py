"""Data minimisation for third-party models we don't own."""

from allauth.usersessions.models import UserSession
from django.db.models.signals import pre_save
from django.dispatch import receiver

from privacy.pseudonyms import truncate_ip


@receiver(pre_save, sender=UserSession, dispatch_uid="privacy.truncate_user_session_ip")
def truncate_user_session_ip(sender, instance, **kwargs):
    # The session list only needs a rough origin; the full address would be a needless record.
    instance.ip = truncate_ip(instance.ip) or "0.0.0.0"  # noqa: S104 - a value, not a bind
