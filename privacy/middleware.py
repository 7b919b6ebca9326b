"""Re-acceptance gate: new terms/privacy versions block booking and practice pages."""

import functools
from collections.abc import Callable
from fnmatch import fnmatchcase
from typing import Any, cast

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode

from privacy.cookies import CONSENT_COOKIE_NAME, CookieChoice, csp_update_for
from privacy.selectors import consent_is_pending_cached, cookie_policy_version


class ConsentGateMiddleware:
    """Signed-in people who have not accepted the current versions are sent to the accept page
    before the views named in PRIVACY_ACCEPTANCE_REQUIRED_VIEWS (booking a session, the coach's
    own practice pages). Everything else (their bookings, cancelling, reading and exporting
    their data, privacy pages, logout, delete) stays open.

    Patterns are view names with shell wildcards; a pattern starting with "!" keeps a view
    open that an earlier pattern would gate ("practices:*", "!practices:directory")."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponseBase],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        match = request.resolver_match
        if not match or not view_is_gated(match.view_name):
            return None
        if consent_is_pending_cached(user=user):
            return redirect(
                reverse("privacy:accept") + "?" + urlencode({"next": request.get_full_path()})
            )
        return None


def view_is_gated(view_name: str) -> bool:
    patterns = settings.PRIVACY_ACCEPTANCE_REQUIRED_VIEWS
    gated = any(fnmatchcase(view_name, p) for p in patterns if not p.startswith("!"))
    return gated and not any(fnmatchcase(view_name, p[1:]) for p in patterns if p.startswith("!"))


class CookieConsentMiddleware:
    """Reads the consent cookie once per request (request.cookie_choice) and widens the CSP
    for Google hosts only on responses to visitors who opted in. Must come after
    csp.middleware.CSPMiddleware in MIDDLEWARE so its response hook runs first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        # The policy's version is read once per request: the page cache's key and the cookie
        # choice both need it, and for a visitor each reading was a round trip to Redis.
        version = functools.cache(cookie_policy_version)
        # Read on first use only (the lazy object stands in for the CookieChoice).
        choice = cast(
            CookieChoice, SimpleLazyObject(lambda: current_cookie_choice(request, version))
        )
        # Attributes this middleware adds to every request, which HttpRequest's type does not
        # declare. The version is for the visitor page cache, whose key holds it
        # (sofadoc.pagecache must not import privacy: it is infrastructure the apps build on).
        request.cookie_choice = choice  # type: ignore[attr-defined]
        request.cookie_policy_version = version  # type: ignore[attr-defined]
        response = self.get_response(request)
        update = csp_update_for(choice)
        if update:
            existing = getattr(response, "_csp_update", None) or {}
            for directive, hosts in existing.items():
                hosts = [hosts] if isinstance(hosts, str) else list(hosts)
                update[directive] = update.get(directive, []) + hosts
            # django-csp's per-response addition (an attribute it reads).
            response._csp_update = update  # type: ignore[attr-defined]
        return response


def current_cookie_choice(
    request: HttpRequest, version: Callable[[], int] = cookie_policy_version
) -> CookieChoice:
    return CookieChoice.from_cookie(request.COOKIES.get(CONSENT_COOKIE_NAME), version())
