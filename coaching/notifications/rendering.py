"""A message as the recipient reads it: in their language, times in their zone, from the one
template of its kind (registry.py) with the context its kind adds."""

from __future__ import annotations

import functools
import json
import logging
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from coaching.notifications.links import OPEN_SALT
from coaching.notifications.models import (
    Channel,
    Notification,
)
from coaching.notifications.preferences import (
    loaded_preferences,
)
from coaching.notifications.registry import NotificationKind, kind_for
from privacy.redaction import REDACTED
from sofadoc.mail import SITE_NAME

logger = logging.getLogger(__name__)


@dataclass
class Rendered:
    subject: str
    text: str
    html: str
    sms: str


def notification_render(row: Notification) -> Rendered:
    """The message in the recipient's language, times in their zone: subject and text from the
    kind's one template (the e-mail's HTML is that text in the HTML frame), SMS from its own."""
    user = row.recipient
    kind = kind_for(row.kind)
    # A mail to an address (a mailbox, a former account) is in the language it was queued in.
    language = user.language if user is not None else row.language or settings.LANGUAGE_CODE
    zone = user.time_zone if user is not None else settings.TIME_ZONE
    with translation.override(language), timezone.override(ZoneInfo(zone)):
        context = _context(row, kind)
        template = get_template(kind.template)
        subject = " ".join(template.render({**context, "part": "subject"}).split())
        text = template.render(context).strip() + "\n"
        html = ""
        if row.channel == Channel.EMAIL:
            html = render_to_string(
                "notifications/email.html",
                {**context, "subject": subject, "text": text, "language": language},
            )
        short = ""
        if row.channel == Channel.SMS:
            short = " ".join(render_to_string(kind.sms_template, context).split())
    return Rendered(subject=subject[:200], text=text, html=html, sms=short)


@functools.lru_cache(maxsize=16)
def _page_url(name: str, site: str) -> str:
    """The same two links go into every message; reversing them each time was a tenth of the
    cost of a message."""
    return site + reverse(name)


def _context(row: Notification, kind: NotificationKind) -> dict:
    user = row.recipient
    site = settings.SITE_URL
    booking = row.booking
    context = {
        # What the sender handed over first: nothing it says can replace what follows.
        **(json.loads(row.payload) if row.payload else {}),
        "recipient": user,
        "channel": row.channel,
        "greeting": kind.greeting,
        "site_name": SITE_NAME,
        "site_url": site,
        "messages_url": _page_url("notifications:list", site),
        "preferences_url": _page_url("notifications:preferences", site),
        "zone": user.time_zone if user is not None else settings.TIME_ZONE,
        "open_url": "",
    }
    if user is None:
        # A mailbox or a former account: no inbox, no settings, no tracking, no booking.
        context.update(messages_url="", preferences_url="")
        if kind.context is not None:
            context.update(kind.context(row))
        return context
    if row.channel == Channel.EMAIL and loaded_preferences(user).open_tracking:
        token = signing.dumps(row.pk, salt=OPEN_SALT)
        context["open_url"] = site + reverse("notifications:opened", args=[token])
    if booking is not None:
        is_coach = booking.practice.owner_id == user.pk
        context.update(
            booking=booking,
            is_coach=is_coach,
            other_name=(
                # An inactive client is being erased (or is gone): not named any more.
                (
                    booking.client.display_name
                    if booking.client and booking.client.is_active
                    else REDACTED
                )
                if is_coach
                else booking.practice.name
            ),
            booking_url=site + reverse("bookings:detail", args=[booking.reference]),
            when_text=f"{date_format(timezone.localtime(booking.start), 'DATETIME_FORMAT')} "
            f"({user.time_zone})",
        )
        # Subject lines say who and when: the coach's name for the client, the client's for
        # the coach; the time short, in the recipient's zone and language.
        context.update(
            subject_name=(
                context["other_name"]
                if is_coach
                # An erased coach's practice has no owner any more.
                else (owner.display_name if (owner := booking.practice.owner) else "")
                or booking.practice.name
            ),
            when_short=date_format(timezone.localtime(booking.start), "SHORT_DATETIME_FORMAT"),
        )
    if kind.context is not None:
        context.update(kind.context(row))
    return context
