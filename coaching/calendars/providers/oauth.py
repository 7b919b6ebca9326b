"""OAuth 2 for Google and Microsoft: the consent URL, the code exchange, token refresh.

Plain HTTPS with `requests` against each provider's documented endpoints (faked by `responses`
in tests). A refresh the provider refuses (400 invalid_grant, 401) means the coach withdrew
access or the token expired for good: ProblemKind.AUTH, the coach must connect again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.utils import timezone

from coaching.calendars.providers.base import ProblemKind, ProviderError, timeout


@dataclass(frozen=True)
class OAuthApp:
    name: str
    authorize_url: str
    token_url: str
    scope: str
    client_id_setting: str
    client_secret_setting: str
    extra: tuple[tuple[str, str], ...] = ()

    @property
    def client_id(self) -> str:
        return getattr(settings, self.client_id_setting, "")

    @property
    def client_secret(self) -> str:
        return getattr(settings, self.client_secret_setting, "")

    @property
    def configured(self) -> bool:
        return bool(self.client_id and self.client_secret)

    def consent_url(self, *, redirect_uri: str, state: str) -> str:
        query = {
            "client_id": self.client_id,
            "redirect_uri": redirect_uri,
            "response_type": "code",
            "scope": self.scope,
            "state": state,
            **dict(self.extra),
        }
        return f"{self.authorize_url}?{urlencode(query)}"

    def exchange(self, *, code: str, redirect_uri: str) -> Tokens:
        return self._token_request(
            {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
        )

    def refresh(self, *, refresh_token: str) -> Tokens:
        return self._token_request({"grant_type": "refresh_token", "refresh_token": refresh_token})

    def _token_request(self, data: dict) -> Tokens:
        payload = {**data, "client_id": self.client_id, "client_secret": self.client_secret}
        try:
            response = requests.post(self.token_url, data=payload, timeout=timeout())
        except requests.RequestException as error:
            raise ProviderError(ProblemKind.UNREACHABLE, type(error).__name__) from error
        if response.status_code in (400, 401, 403):
            raise ProviderError(ProblemKind.AUTH, f"token endpoint {response.status_code}")
        raise_for_status(response)
        body = response.json()
        return Tokens(
            access_token=body["access_token"],
            refresh_token=body.get("refresh_token", ""),
            expires_at=timezone.now() + timedelta(seconds=int(body.get("expires_in", 3600))),
        )


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str
    expires_at: datetime


def raise_for_status(response: requests.Response) -> None:
    """Turn an HTTP failure into a ProviderError (401/403 auth, 429 with Retry-After, 5xx)."""
    status = response.status_code
    if status < 400:
        return
    if status in (401, 403):
        raise ProviderError(ProblemKind.AUTH, f"HTTP {status}")
    if status == 410:
        raise ProviderError(ProblemKind.STALE_TOKEN, "HTTP 410")
    if status == 429:
        raise ProviderError(
            ProblemKind.RATE_LIMITED, "HTTP 429", retry_after=_retry_after(response)
        )
    if status >= 500:
        raise ProviderError(ProblemKind.UNREACHABLE, f"HTTP {status}")
    raise ProviderError(ProblemKind.BAD_DATA, f"HTTP {status}")


def response_json(response: requests.Response) -> dict:
    raise_for_status(response)
    try:
        return response.json()
    except ValueError as error:
        raise ProviderError(ProblemKind.BAD_DATA, "not JSON") from error


def _retry_after(response: requests.Response) -> int:
    try:
        return max(1, min(int(response.headers.get("Retry-After", "60")), 3600))
    except ValueError:
        return 60


class TokenSession:
    """Authorised requests for one connection: refreshes the access token when it is about to
    expire (or was refused once), writing the new token onto the connection row; the caller
    saves the row."""

    def __init__(self, app: OAuthApp, connection) -> None:
        self.app = app
        self.connection = connection

    def _fresh_token(self, force: bool = False) -> str:
        connection = self.connection
        expires = connection.token_expires_at
        soon = timezone.now() + timedelta(minutes=1)
        if force or not connection.access_token or not expires or expires < soon:
            if not connection.refresh_token:
                raise ProviderError(ProblemKind.AUTH, "no refresh token")
            tokens = self.app.refresh(refresh_token=connection.refresh_token)
            connection.access_token = tokens.access_token
            connection.token_expires_at = tokens.expires_at
            if tokens.refresh_token:  # Microsoft rotates refresh tokens; Google keeps its own
                connection.refresh_token = tokens.refresh_token
        return connection.access_token

    def request(self, method: str, url: str, **kwargs) -> requests.Response:
        """One call; a 401 gets one more try with a freshly refreshed token."""
        extra = kwargs.pop("headers", {})
        for attempt in (0, 1):
            token = self._fresh_token(force=attempt == 1)
            headers = {**extra, "Authorization": f"Bearer {token}"}
            try:
                response = requests.request(
                    method, url, headers=headers, timeout=timeout(), **kwargs
                )
            except requests.RequestException as error:
                raise ProviderError(ProblemKind.UNREACHABLE, type(error).__name__) from error
            if response.status_code != 401:
                break
        return response


GOOGLE = OAuthApp(
    name="google",
    authorize_url="https://accounts.google.com/o/oauth2/v2/auth",
    token_url="https://oauth2.googleapis.com/token",  # noqa: S106 - a URL, not a secret
    scope=(
        "https://www.googleapis.com/auth/calendar.readonly "
        "https://www.googleapis.com/auth/calendar.events"
    ),
    client_id_setting="GOOGLE_CALENDAR_CLIENT_ID",
    client_secret_setting="GOOGLE_CALENDAR_CLIENT_SECRET",  # noqa: S106 - a setting name
    extra=(("access_type", "offline"), ("prompt", "consent")),
)
MICROSOFT = OAuthApp(
    name="microsoft",
    authorize_url="https://login.microsoftonline.com/common/oauth2/v2.0/authorize",
    token_url="https://login.microsoftonline.com/common/oauth2/v2.0/token",  # noqa: S106
    scope="offline_access User.Read Calendars.ReadWrite",
    client_id_setting="MICROSOFT_CALENDAR_CLIENT_ID",
    client_secret_setting="MICROSOFT_CALENDAR_CLIENT_SECRET",  # noqa: S106 - a setting name
)
APPS = {"google": GOOGLE, "microsoft": MICROSOFT}
