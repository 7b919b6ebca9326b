from celery import shared_task

from coaching.packages.services import client_packages_expire_due


@shared_task(name="packages.expire_packages")
def expire_packages() -> int:
    """Packages whose validity ended: unused sessions expire or are refunded pro rata (hourly;
    each package is settled once, so a late or repeated run changes nothing)."""
    return client_packages_expire_due()
