"""The one way to send an e-mail from code below notifications (accounts, privacy, payments,
billing): `mail_queue(...)`. It becomes a row of the notification delivery log
(coaching/notifications/), queued in the caller's transaction and sent by a worker after commit,
retried, shown to staff without its content, in the recipient's language.

Those apps may not import notifications (it sits above them), so notifications installs the
function that queues (`mail_queue_install`, from its AppConfig.ready()); the kinds these apps
send are registered by notifications too (coaching/notifications/mail_kinds.py), each with its
one template `templates/notifications/<kind>.txt`.

A mail goes to a person (`user`, in their language) or, when there is no account to send to
(a mailbox such as SUPPORT_EMAIL, a former account's address), to `address` in `language`;
a person's mail to another of their addresses (one being confirmed) gives both. `key` (at most
32 characters) makes it once only: the same kind and key for the same recipient queues nothing
more. `payload` carries what the text needs that the kind cannot read back from its own rows
(a confirmation link, the facts of a staff alert): JSON-able, kept encrypted, emptied once sent.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured

MailQueue = Callable[..., int]

# The name mails greet from and sign with (allauth would take the request's host, such as
# "127.0.0.1:8000").
SITE_NAME = "SofaDoc"

_queue: MailQueue | None = None


def mail_queue_install(queue: MailQueue) -> None:
    global _queue
    _queue = queue


def mail_queue(
    *,
    kind: str,
    key: str,
    user: Any = None,
    address: str = "",
    language: str = "",
    payload: dict[str, Any] | None = None,
) -> int:
    """Queue one e-mail of `kind`; returns the rows queued now (0 for a repeat). Safe inside a
    transaction: nothing is sent before it commits."""
    if _queue is None:
        raise ImproperlyConfigured("no mail queue installed (is coaching.notifications loaded?)")
    if user is None and not address:
        raise ValueError("a mail needs a user or an address")
    return _queue(
        kind=kind, key=key, user=user, address=address, language=language, payload=payload
    )
