"""Demo data: the demo users' signup consents (legal texts come from the migration)."""

from privacy.models import ConsentRecord
from privacy.services import SIGNUP_PURPOSES, consent_record


def seed(users) -> None:
    for user in users:
        if not ConsentRecord.objects.filter(subject=user, source="signup").exists():
            consent_record(
                user=user, decisions=dict.fromkeys(SIGNUP_PURPOSES, True), source="signup"
            )
