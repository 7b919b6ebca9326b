"""Personal-data declarations of a coach's practice: exported with the account, deleted with it."""

from privacy.registry import PersonalData, register

register(
    PersonalData("practices.TimeOff", subject="practice__owner", order=500),
    PersonalData("practices.WeeklyHours", subject="practice__owner", order=500),
    PersonalData("practices.SessionType", subject="practice__owner", order=500),
    PersonalData("practices.Practice", subject="owner", order=510),
)
