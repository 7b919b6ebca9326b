"""`{% calendar_notice practice %}`: the red notice on the coach's practice pages while a
calendar connection is broken or busy times are too old to offer slots (one query)."""

from django import template

from coaching.calendars.selectors import practice_calendar_health

register = template.Library()


@register.inclusion_tag("calendars/partials/notice.html")
def calendar_notice(practice):
    if practice is None or not getattr(practice, "pk", None):
        return {"health": None}
    return {"health": practice_calendar_health(practice_id=practice.pk)}
