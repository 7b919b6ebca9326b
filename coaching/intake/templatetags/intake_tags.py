"""Panels other apps' templates include with one line (the booking page, "Meine Sitzungen", the
join page), so their views need not know about intake: each tag reads through the selectors."""

from django import template

from coaching.intake.selectors import (
    booking_panel,
    intake_answers_for,
    missing_before_session,
    missing_for_bookings,
)

register = template.Library()


@register.inclusion_tag("intake/partials/booking_panel.html")
def intake_booking_panel(booking, role):
    return {"booking": booking, "panel": booking_panel(booking, role=role)}


@register.inclusion_tag("intake/partials/missing.html")
def intake_missing_before_session(booking, role):
    """On the join page: what the client has not done yet (the coach sees it too)."""
    missing = missing_before_session(booking) if role in ("client", "coach") else []
    return {"missing": missing, "role": role}


@register.inclusion_tag("intake/partials/open_tasks.html", takes_context=True)
def intake_open_tasks(context, bookings):
    return {"missing": missing_for_bookings(context["request"].user, bookings)}


@register.inclusion_tag("intake/partials/client_answers.html")
def intake_client_answers(practice, client):
    """For a coach's page about one client (the caller checks the viewer is that coach): every
    questionnaire the client answered, newest first."""
    return {"answered": intake_answers_for(practice, client)}
