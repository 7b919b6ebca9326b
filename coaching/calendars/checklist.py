"""The calendar step of the practice's setup checklist (registered with practices)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coaching.calendars.selectors import practice_calendar_health


def calendar_step(practice):
    from coaching.practices.checklist import Step

    health = practice_calendar_health(practice_id=practice.pk)
    problem = ""
    if health.broken:
        problem = _("A calendar connection is broken: %(problem)s") % {
            "problem": health.broken[0].problem or _("please connect it again.")
        }
    elif health.stale:
        problem = _("Your busy times are out of date, so clients cannot book you right now.")
    return Step(
        "calendars",
        gettext_lazy("Connect your calendar"),
        gettext_lazy(
            "Busy times in your own calendar hide those slots; bookings are added to it. "
            "Recommended, not required."
        ),
        health.connected and not problem,
        False,
        "calendars:settings",
        problem,
    )
