"""The attendance rules for any page that shows them before booking (one include there)."""

from django import template

from coaching.video import attendance_rules as rules
from coaching.video.admission import room_settings

register = template.Library()


@register.inclusion_tag("video/partials/attendance_rules.html")
def attendance_rules(practice):
    return {"rules": rules, "no_show_percent": room_settings(practice.pk).no_show_refund_percent}
