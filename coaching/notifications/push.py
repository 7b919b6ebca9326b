"""Web push (VAPID, RFC 8030/8292) through `pywebpush`: the push channel, the one place that talks
to browsers' push services. Switched on per device in the notification settings; used for
session reminders and new messages in the inbox. A 404 or 410 from the push service means the
browser dropped the subscription: the row goes.

Only known push services are accepted as endpoints: a forged endpoint would make our server
send requests to any address (SSRF) and is refused with a 400.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coaching.notifications.models import Notification, PushSubscription
from coaching.notifications.registry import PUSH, Preference, kind_for

if TYPE_CHECKING:
    from sofadoc.accounts.models import User

logger = logging.getLogger(__name__)

TIMEOUT = 5
TTL = 4 * 60 * 60  # a reminder older than four hours is no use
# Browser vendors' push services (host suffix -> the name shown in the settings).
PUSH_SERVICES = {
    "fcm.googleapis.com": "Google (Chrome, Edge, Android)",
    "updates.push.services.mozilla.com": "Mozilla (Firefox)",
    "push.apple.com": "Apple (Safari)",
    "notify.windows.com": "Microsoft (Windows)",
}


class PushRefused(ValueError):
    """The subscription a browser sent cannot be used (unknown service, malformed keys)."""


def push_configured() -> bool:
    return bool(settings.WEBPUSH_VAPID_PUBLIC_KEY and settings.WEBPUSH_VAPID_PRIVATE_KEY)


def _service_name(endpoint: str) -> str:
    parts = urlsplit(endpoint)
    host = (parts.hostname or "").lower()
    if parts.scheme != "https" or parts.port not in (None, 443) or parts.username:
        raise PushRefused(_("Push addresses must use https."))
    for suffix, name in {**PUSH_SERVICES, **settings.WEBPUSH_EXTRA_SERVICES}.items():
        if host == suffix or host.endswith("." + suffix):
            return name
    raise PushRefused(_("This push service is not supported."))


def _key(value: str, length: int) -> str:
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError, TypeError) as error:
        raise PushRefused(_("The browser sent a malformed key.")) from error
    if len(raw) != length:
        raise PushRefused(_("The browser sent a malformed key."))
    return value


def push_subscribe(*, user: User, endpoint: str, p256dh: str, auth: str) -> PushSubscription:
    """Store (or move to `user`) the subscription of this browser. Raises PushRefused."""
    service = _service_name(endpoint or "")
    keys = {"p256dh": _key(p256dh or "", 65), "auth": _key(auth or "", 16)}
    with transaction.atomic():
        subscription, _created = PushSubscription.objects.update_or_create(
            endpoint=endpoint, defaults={"user": user, "service": service, **keys}
        )
    return subscription


def push_update(*, user: User, pk: int, reminders: bool, messages: bool) -> int:
    return PushSubscription.objects.filter(user=user, pk=pk).update(
        reminders=reminders, messages=messages
    )


def push_remove(*, user: User, pk: int | None = None, endpoint: str = "") -> int:
    rows = PushSubscription.objects.filter(user=user)
    rows = rows.filter(pk=pk) if pk is not None else rows.filter(endpoint=endpoint)
    return rows.delete()[0]


@dataclass(frozen=True)
class PushMessage:
    title: str
    body: str
    url: str


def push_send(*, subscription: PushSubscription, message: PushMessage) -> bool:
    """One push; True when the service took it. A gone subscription (404/410) is deleted; any
    other failure is logged and the message still waits in the inbox and the mailbox."""
    from pywebpush import WebPushException, webpush

    try:
        webpush(
            subscription_info={
                "endpoint": subscription.endpoint,
                "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
            },
            data=json.dumps({"title": message.title, "body": message.body, "url": message.url}),
            vapid_private_key=settings.WEBPUSH_VAPID_PRIVATE_KEY,
            vapid_claims={"sub": f"mailto:{settings.WEBPUSH_CONTACT}"},
            ttl=TTL,
            timeout=TIMEOUT,
        )
    except WebPushException as error:
        status = getattr(error.response, "status_code", None)
        if status in (404, 410):
            PushSubscription.objects.filter(pk=subscription.pk).delete()
        else:
            logger.warning("push to %s failed: HTTP %s", subscription.service, status)
        return False
    except Exception as error:  # network trouble: the inbox and e-mail carry the message
        logger.warning("push to %s failed: %s", subscription.service, type(error).__name__)
        return False
    PushSubscription.objects.filter(pk=subscription.pk).update(last_sent_at=timezone.now())
    return True


def push_for_inbox(row: Notification) -> int:
    """Announce a new inbox message on the devices that want it (reminders or messages)."""
    kind = kind_for(row.kind)
    if not push_configured() or PUSH not in kind.channels:
        return 0
    reminder = kind.preference == Preference.REMINDERS
    wanted = {"reminders": True} if reminder else {"messages": True}
    devices = list(PushSubscription.objects.filter(user_id=row.person_id, **wanted))
    if not devices:
        return 0
    from django.urls import reverse

    message = PushMessage(
        title="SofaDoc",
        body=row.subject,
        url=reverse("notifications:detail", args=[row.pk]),
    )
    return sum(push_send(subscription=device, message=message) for device in devices)
