from datetime import timedelta

import pytest
from django.utils import timezone

from sofadoc.accounts.models import User
from sofadoc.accounts.tasks import purge_unverified_accounts
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_unverified_accounts_are_purged_after_the_retention_period():
    old = timezone.now() - timedelta(days=8)
    stale = UserFactory(verified=False, created_at=old)
    fresh = UserFactory(verified=False)
    verified = UserFactory(created_at=old)
    staff = UserFactory(verified=False, created_at=old, is_staff=True)

    result = purge_unverified_accounts.apply()

    assert result.get() == 1
    remaining = set(User.objects.values_list("pk", flat=True))
    assert stale.pk not in remaining
    assert {fresh.pk, verified.pk, staff.pk} <= remaining
