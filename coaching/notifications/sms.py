"""SMS, the one place that talks to Twilio. SMS_MODE picks Twilio or the sandbox twin.

The twin is for the demo and for development without credentials: it logs that a message
would have gone out and stores nothing personal (no number, no text).
"""

from __future__ import annotations

import logging
import secrets
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from privacy.registry import ProcessorCall

logger = logging.getLogger(__name__)

OPTED_OUT = 21610  # Twilio: "Attempt to send to unsubscribed recipient"


class SmsError(Exception):
    pass


class SmsOptedOut(SmsError):
    """The number replied STOP (or is otherwise blocked): we must not send to it again."""


class SmsUnavailable(SmsError):
    """Twilio is unreachable, slow (TWILIO_HTTP_TIMEOUT) or failing on its side (5xx, 429):
    the message itself is fine, so it is sent again later."""


class TwilioSms:
    def __init__(self) -> None:
        from twilio.http.http_client import TwilioHttpClient
        from twilio.rest import Client

        self.client = Client(
            settings.TWILIO_ACCOUNT_SID,
            settings.TWILIO_AUTH_TOKEN,
            http_client=TwilioHttpClient(timeout=settings.TWILIO_HTTP_TIMEOUT),
        )

    def send(self, *, to: str, body: str, status_callback: str = "") -> str:
        import requests
        from twilio.base.exceptions import TwilioException, TwilioRestException

        kwargs = {"to": to, "body": body}
        if settings.TWILIO_MESSAGING_SERVICE_SID:
            kwargs["messaging_service_sid"] = settings.TWILIO_MESSAGING_SERVICE_SID
        else:
            kwargs["from_"] = settings.TWILIO_SMS_FROM
        if status_callback:
            kwargs["status_callback"] = status_callback
        try:
            message = self.client.messages.create(**kwargs)
        except TwilioRestException as error:
            if error.code == OPTED_OUT:
                raise SmsOptedOut("recipient opted out (21610)") from error
            if error.status >= 500 or error.status == 429:
                raise SmsUnavailable(f"Twilio error {error.code} (HTTP {error.status})") from error
            raise SmsError(f"Twilio error {error.code} (HTTP {error.status})") from error
        except (requests.RequestException, TwilioException, ValueError) as error:
            # The twilio client lets requests' errors through (refused or timed-out calls);
            # ValueError: an answer that is not Twilio's JSON (a proxy's error page).
            raise SmsUnavailable(f"Twilio not reachable: {type(error).__name__}") from error
        return message.sid

    def delete_messages_to(self, *, to: str, call: ProcessorCall) -> int:
        """Erasure (policy § 6.1): Twilio keeps each SMS with number and text; delete every one
        sent to `to`. Raises on any failure, so the caller's job retries; a message already
        gone (404) counts as deleted."""
        from twilio.base.exceptions import TwilioRestException

        path = f"/2010-04-01/Accounts/{settings.TWILIO_ACCOUNT_SID}/Messages"
        try:
            messages = self.client.messages.list(to=to)
        except TwilioRestException as error:
            call("GET", f"{path}.json?To=…", error.status)
            raise SmsError(f"Twilio error {error.code} (HTTP {error.status})") from error
        call("GET", f"{path}.json?To=…", 200)
        for message in messages:
            try:
                message.delete()
            except TwilioRestException as error:
                call("DELETE", f"{path}/{message.sid}.json", error.status)
                if error.status != 404:
                    raise SmsError(f"Twilio error {error.code} (HTTP {error.status})") from error
            else:
                call("DELETE", f"{path}/{message.sid}.json", 204)
        return len(messages)


class SandboxSms:
    def send(self, *, to: str, body: str, status_callback: str = "") -> str:
        sid = "SANDBOX" + secrets.token_hex(8)
        logger.info("sms sandbox: %s characters, not sent (sid %s)", len(body), sid)
        return sid

    def delete_messages_to(self, *, to: str, call: ProcessorCall) -> int:
        return 0  # the twin stores nothing


def sms_backend() -> TwilioSms | SandboxSms:
    return TwilioSms() if settings.SMS_MODE == "twilio" else SandboxSms()


def signature_is_valid(*, url: str, params: dict[str, str], signature: str) -> bool:
    """Twilio signs the full public URL plus the POST parameters with the account Auth Token."""
    from twilio.request_validator import RequestValidator

    if not settings.TWILIO_AUTH_TOKEN or not signature:
        return False
    return RequestValidator(settings.TWILIO_AUTH_TOKEN).validate(url, params, signature)
