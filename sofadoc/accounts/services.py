from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sofadoc.accounts.models import User


def user_update_profile(
    *, user: User, display_name: str, time_zone: str, language: str, phone: str
) -> User:
    user.display_name = display_name
    user.time_zone = time_zone
    user.language = language
    user.phone = phone
    user.save(update_fields=["display_name", "time_zone", "language", "phone", "updated_at"])
    return user


def user_set_language(*, user: User, language: str) -> None:
    if language in dict(settings.LANGUAGES) and user.language != language:
        user.language = language
        user.save(update_fields=["language", "updated_at"])


def unverified_accounts_purge(*, now=None) -> int:
    """Delete accounts whose owner never confirmed the address within the retention period.

    Nothing else can hang off such an account: booking and publishing need a verified address.
    Staff and demo accounts are never touched. Returns how many accounts were removed.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.UNVERIFIED_ACCOUNT_RETENTION_DAYS)
    verified = EmailAddress.objects.filter(verified=True).values("user_id")
    stale = User.objects.filter(
        created_at__lt=cutoff, is_staff=False, is_demo=False, last_login__isnull=True
    ).exclude(pk__in=verified)
    with transaction.atomic():
        count = 0
        for user in stale.select_for_update(skip_locked=True):
            user.delete()
            count += 1
    return count
