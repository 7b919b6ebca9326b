"""Personal data of a coach's practice: exported with the account; on erasure the practice row
stays (clients' bookings and receipts point at it) but everything describing the coach goes."""

from coaching.practices.models import BOOKING_RULE_FIELDS
from privacy.registry import Erase, PersonalData, not_personal, register


def _erase_practices(rows) -> None:
    from coaching.practices.services import practice_erase

    for practice in rows:
        practice_erase(practice=practice, actor=practice.owner)


register(
    PersonalData("practices.TimeOff", subject="practice__owner", order=500),
    PersonalData("practices.WeeklyHours", subject="practice__owner", order=500),
    PersonalData("practices.PracticeSlugRedirect", subject="practice__owner", order=500),
    PersonalData(
        "practices.SessionType",
        subject="practice__owner",
        erase=Erase.KEEP,  # renamed and deactivated by practice_erase
        order=505,
    ),
    PersonalData(
        "practices.Practice",
        subject="owner",
        erase=Erase.KEEP,
        before_erase=_erase_practices,
        fields=[
            "name",
            "slug",
            "headline",
            "bio",
            "time_zone",
            "billing_name",
            "billing_address",
            "tax_number",
            "tax_treatment",
            "vat_id",
            *BOOKING_RULE_FIELDS,
            "is_published",
            "published_at",
            "created_at",
        ],
        files=["photo"],
        order=510,
    ),
)
not_personal("practices.Specialty", "practices.Language", reason="reference data")
