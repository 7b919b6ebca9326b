from celery import shared_task
from django.db import transaction

from sofadoc.accounts.services import unverified_accounts_purge


@shared_task(name="accounts.purge_unverified_accounts")
def purge_unverified_accounts() -> int:
    with transaction.atomic(durable=True):
        return unverified_accounts_purge()
