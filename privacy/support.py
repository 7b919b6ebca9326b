"""Support requests to Zendesk (ticket API over plain HTTP) or, unconfigured, by e-mail to
SUPPORT_EMAIL through the delivery log (kind `support_request`, sofadoc/mail.py: queued with
the request's delivery, sent and retried by the notification workers).

The one place that talks to Zendesk. ZENDESK_SUBDOMAIN selects the account; a Zendesk sandbox
account is simply another subdomain, so demo and tests use the same code path (tests fake the
HTTP with `responses`)."""

from dataclasses import dataclass
from typing import Any

import requests
from django.conf import settings

from sofadoc.mail import mail_queue

TIMEOUT = 10


class SupportDeliveryError(Exception):
    """Zendesk refused the ticket (or answered nonsense)."""


class SupportUnavailable(SupportDeliveryError):
    """Zendesk or the mail server is unreachable, slow (TIMEOUT) or failing on its side (5xx,
    429): the request itself is fine and is delivered later."""


@dataclass(frozen=True)
class Delivery:
    channel: str  # "zendesk" or "email"
    ticket_id: str = ""


def zendesk_configured() -> bool:
    return bool(
        settings.ZENDESK_SUBDOMAIN and settings.ZENDESK_EMAIL and settings.ZENDESK_API_TOKEN
    )


def deliver(
    *, name: str, email: str, subject: str, message: str, reference: str, request_pk: int
) -> Delivery:
    if zendesk_configured():
        return _zendesk_ticket(
            name=name, email=email, subject=subject, message=message, reference=reference
        )
    return _email(request_pk=request_pk)


def _zendesk_ticket(
    *, name: str, email: str, subject: str, message: str, reference: str
) -> Delivery:
    url = f"https://{settings.ZENDESK_SUBDOMAIN}.zendesk.com/api/v2/tickets.json"
    payload: dict[str, Any] = {
        "ticket": {
            "subject": subject,
            "comment": {"body": message},
            "requester": {"name": name, "email": email},
            "external_id": reference,
            "tags": ["sofadoc-web"],
        }
    }
    try:
        response = requests.post(
            url,
            json=payload,
            auth=(f"{settings.ZENDESK_EMAIL}/token", settings.ZENDESK_API_TOKEN),
            timeout=TIMEOUT,
        )
    except requests.RequestException as error:
        raise SupportUnavailable(f"Zendesk unreachable: {type(error).__name__}") from error
    if response.status_code >= 500 or response.status_code == 429:
        raise SupportUnavailable(f"Zendesk answered HTTP {response.status_code}")
    try:
        response.raise_for_status()
        ticket_id = str(response.json()["ticket"]["id"])
    except (requests.RequestException, KeyError, TypeError, ValueError) as error:
        raise SupportDeliveryError(str(error)) from error
    return Delivery("zendesk", ticket_id)


def _email(*, request_pk: int) -> Delivery:
    """Queued once per request; the mail's text is read from the request itself when it is
    sent (templates/notifications/support_request.txt), with the person as Reply-To."""
    mail_queue(
        kind="support_request",
        key=f"support:{request_pk}",
        address=settings.SUPPORT_EMAIL,
        language=settings.LANGUAGE_CODE,
    )
    return Delivery("email")
