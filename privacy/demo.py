"""Demo data: the demo users' signup consents (legal texts come from the migration)."""

from collections.abc import Iterable

from privacy.models import ConsentRecord
from privacy.services import SIGNUP_PURPOSES, consent_record
from sofadoc.accounts.models import User


def seed(users: Iterable[User]) -> None:
    for user in users:
        if not ConsentRecord.objects.filter(subject=user, source="signup").exists():
            consent_record(
                user=user, decisions=dict.fromkeys(SIGNUP_PURPOSES, True), source="signup"
            )
