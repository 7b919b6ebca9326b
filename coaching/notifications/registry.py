"""The notification kinds: every message the site sends is of a kind registered here.

How to add a kind (from your own app; nothing under coaching/notifications/ changes, no migration):
1. In a module of your app (e.g. `yourapp/notifications.py`, imported from your AppConfig.ready()):
   `register(NotificationKind(code="thread_message", label=_("new message"), context=_context))`
   code: ≤ 24 characters, unique, stored in `Notification.kind`; label: lazy gettext (admin, log).
2. channels: any of EMAIL, INBOX, SMS, PUSH (default e-mail, inbox and push; PUSH announces the
   inbox copy). SMS needs a `preference` (REMINDERS or BOOKING_MESSAGES) the person switches on.
3. Write `templates/notifications/<code>.txt` (`{% extends "notifications/message.txt" %}` with
   blocks `subject` and `body`: the one text for e-mail and inbox, the e-mail's HTML is made from
   it) and, with SMS, `<code>.sms.txt`.
4. Send: `notify(recipients=[user], kind="thread_message", key="thread:42:m17")` (in
   `coaching.notifications.queueing`), inside or outside your transaction. Once-only: a second
   call with the same recipient, kind and key (or booking) does nothing. Keys are ≤ 32 characters.
5. `context(row)` returns the extra template context for a `Notification` row; read your object
   from `row.key` (e.g. "thread:42:m17" → thread 42, message 17; a staff resend keeps the key)
   or `row.booking`. Optional
   `skip_reason(row, now)` returns why the message is no longer true (then it is not sent), and
   `attachments(row)` e-mail attachments as (filename, content, mimetype).
6. Apps below notifications (accounts, privacy, payments, billing) cannot import this module:
   they send with `sofadoc.mail.mail_queue(kind=..., key=..., user=... or address=...)`, and
   their kinds are registered here in notifications (mail_kinds.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise

# A Notification row. Typed loosely: models imports this module (for the labels), and the
# imports between the two point one way only.
Notification = Any

# The channels a kind may use. E-mail, inbox and SMS are rows of the delivery log; push is the
# inbox copy announced on the person's devices.
EMAIL = "email"
INBOX = "inbox"
SMS = "sms"
PUSH = "push"
ALL_CHANNELS = frozenset({EMAIL, INBOX, SMS, PUSH})
CODE_LENGTH = 24


class Preference(StrEnum):
    """The choice of the person (notification settings) that governs a kind's optional parts."""

    # Timing (24 h / 1 h before), SMS if "reminders by SMS", push on devices wanting reminders.
    REMINDERS = "reminders"
    # SMS if "booking messages by SMS".
    BOOKING_MESSAGES = "booking_messages"


@dataclass(frozen=True)
class NotificationKind:
    code: str
    label: str | Promise
    channels: frozenset[str] = field(default=frozenset({EMAIL, INBOX, PUSH}))
    # None: a service message, sent by e-mail and to the inbox whatever the person chose.
    preference: Preference | None = None
    # Extra template context for one row (the recipient, channel, links and, for a row with a
    # booking, the booking's details are always there).
    context: Callable[[Notification], dict[str, Any]] | None = None
    # Re-checked right before sending: a non-empty reason skips the row (logged as the reason).
    skip_reason: Callable[[Notification, datetime], str] | None = None
    attachments: Callable[[Notification], list[tuple[str, str | bytes, str]]] | None = None
    # Extra e-mail headers for one row (List-Unsubscribe; "Reply-To" becomes the reply address).
    headers: Callable[[Notification], dict[str, str]] | None = None
    # The row's address is blanked once it is sent (a former account's, one being confirmed).
    forget_address: bool = False
    # No "Hello <name>," line (news, account mails, mails to mailboxes bring their own).
    greeting: bool = True

    def __post_init__(self) -> None:
        if not self.code or len(self.code) > CODE_LENGTH:
            raise ImproperlyConfigured(f"notification kind {self.code!r}: 1-24 characters")
        if not self.channels or not self.channels <= ALL_CHANNELS:
            raise ImproperlyConfigured(f"notification kind {self.code}: unknown channels")
        if PUSH in self.channels and INBOX not in self.channels:
            raise ImproperlyConfigured(f"notification kind {self.code}: push needs the inbox")
        if SMS in self.channels and self.preference is None:
            raise ImproperlyConfigured(f"notification kind {self.code}: SMS needs a preference")

    @property
    def template(self) -> str:
        return f"notifications/{self.code}.txt"

    @property
    def sms_template(self) -> str:
        return f"notifications/{self.code}.sms.txt"


_KINDS: dict[str, NotificationKind] = {}


def register(*kinds: NotificationKind) -> None:
    for kind in kinds:
        known = _KINDS.get(kind.code)
        if known is not None and known != kind:
            raise ImproperlyConfigured(f"notification kind {kind.code} registered twice")
        _KINDS[kind.code] = kind


def kind_for(code: str) -> NotificationKind:
    """The registered kind; a code nobody registered is a programming error (LookupError)."""
    try:
        return _KINDS[code]
    except KeyError:
        raise LookupError(f"notification kind {code!r} is not registered") from None


def registered_kinds() -> Iterable[NotificationKind]:
    return _KINDS.values()


def label_for(code: str) -> str:
    """For the log and the admin: the label, or the code of a kind no longer registered."""
    kind = _KINDS.get(code)
    return str(kind.label) if kind else code


def kind_choices() -> list[tuple[str, str]]:
    return sorted(((k.code, str(k.label)) for k in _KINDS.values()), key=lambda c: c[1])
