from celery import shared_task
from django.utils import timezone

from coaching.packages.notifications import packages_expiry_notices
from coaching.packages.services import client_packages_expire_due


@shared_task(name="packages.expire_packages")
def expire_packages() -> int:
    """Packages whose validity ended: unused sessions expire or are refunded pro rata; clients
    whose package ends within two weeks are told (hourly; each package is settled and noticed
    once, so a late or repeated run changes nothing)."""
    now = timezone.now()
    packages_expiry_notices(now=now)  # two weeks ahead, once per package
    return client_packages_expire_due(now=now)
