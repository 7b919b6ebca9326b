"""Every cookie the site may set: one registry for the cookie page and the banner."""

import secrets
from collections.abc import Container
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from privacy.durations import DAY
from privacy.durations import duration_text as lifetime_text

NECESSARY = "necessary"
STATISTICS = "statistics"
MARKETING = "marketing"

CATEGORIES = {
    NECESSARY: _("Necessary (always on)"),
    STATISTICS: _("Statistics"),
    MARKETING: _("Marketing"),
}
CONSENT_COOKIE_NAME = "sofadoc_consent"


# The policy (§ 6.4) promises that the Ads conversion cookie expires after 30 days.
ADS_COOKIE_MAX_AGE = 30 * DAY
GA_COOKIE_MAX_AGE = 2 * 365 * DAY  # gtag's default for _ga and _ga_*


@dataclass(frozen=True)
class Cookie:
    name: str
    category: str
    purpose: Promise
    lifetime: str | Promise  # lifetime_text(...) is lazy; mypy sees its str
    provider: str
    # What the site really sets (seconds; None = until the browser closes); tests compare.
    max_age: int | None = None

    @property
    def category_label(self) -> Promise:
        return CATEGORIES[self.category]


COOKIES = [
    Cookie(
        settings.SESSION_COOKIE_NAME,
        NECESSARY,
        _("Keeps you signed in."),
        _("2 weeks or until you sign out"),
        "SofaDoc",
        settings.SESSION_COOKIE_AGE,
    ),
    Cookie(
        settings.CSRF_COOKIE_NAME,
        NECESSARY,
        _("Protects forms against cross-site request forgery."),
        lifetime_text(settings.CSRF_COOKIE_AGE),
        "SofaDoc",
        settings.CSRF_COOKIE_AGE,
    ),
    Cookie(
        settings.TIME_ZONE_COOKIE_NAME,
        NECESSARY,
        _("Shows times in your time zone."),
        lifetime_text(365 * DAY),
        "SofaDoc",
        365 * DAY,  # set by static/js/tz.js
    ),
    Cookie(
        settings.LANGUAGE_COOKIE_NAME,
        NECESSARY,
        _("Remembers the language you chose."),
        lifetime_text(settings.LANGUAGE_COOKIE_AGE),
        "SofaDoc",
        settings.LANGUAGE_COOKIE_AGE,
    ),
    Cookie(
        "messages",
        NECESSARY,
        _("Carries a confirmation message to the next page."),
        _("Until the next page is shown"),
        "SofaDoc",
    ),
    Cookie(
        CONSENT_COOKIE_NAME,
        NECESSARY,
        _("Stores your cookie choice and the cookie policy version."),
        lifetime_text(365 * DAY),
        "SofaDoc",
        365 * DAY,
    ),
    Cookie(
        "_ga",
        STATISTICS,
        _("Google Analytics: distinguishes visitors (IP address shortened)."),
        lifetime_text(GA_COOKIE_MAX_AGE),
        "Google Ireland Ltd.",
        GA_COOKIE_MAX_AGE,
    ),
    Cookie(
        "_ga_*",
        STATISTICS,
        _("Google Analytics: keeps the state of a visit."),
        lifetime_text(GA_COOKIE_MAX_AGE),
        "Google Ireland Ltd.",
        GA_COOKIE_MAX_AGE,
    ),
    Cookie(
        "_gcl_au",
        MARKETING,
        _("Google Ads: measures whether an ad led to a signup."),
        lifetime_text(ADS_COOKIE_MAX_AGE),
        "Google Ireland Ltd.",
        ADS_COOKIE_MAX_AGE,  # gtag's cookie_expires, see static/js/google-tags.js
    ),
]


# --- The visitor's choice, kept in the first-party consent cookie ---------------------------
CONSENT_COOKIE_MAX_AGE = 365 * DAY
# Cookies Google may set on our host (gtag runs with cookie_domain "none"); removed on withdrawal.
OPTIONAL_COOKIE_PREFIXES = {STATISTICS: ("_ga",), MARKETING: ("_gcl_",)}


@dataclass(frozen=True)
class CookieChoice:
    """What the consent cookie says. `decided` is False when there is no valid cookie or it
    refers to an older cookie policy version (the banner shows again)."""

    decided: bool = False
    statistics: bool = False
    marketing: bool = False
    version: int = 0
    token: str = ""

    def to_cookie(self) -> str:
        return f"{self.version}.{int(self.statistics)}{int(self.marketing)}.{self.token}"

    @classmethod
    def from_cookie(cls, raw: str | None, current_version: int) -> "CookieChoice":
        try:
            digits, flags, token = (raw or "").split(".")
            version = int(digits)
        except ValueError:
            return cls(version=current_version)
        if version != current_version or flags not in {"00", "01", "10", "11"} or not token:
            return cls(version=current_version, token=token if token.isalnum() else "")
        return cls(True, flags[0] == "1", flags[1] == "1", version, token)


BANNER_CHOICES = {"accept_all", "reject_all", "save"}


def cookie_choice_decide(
    *, choice: str, chosen: Container[str], gpc: bool, previous: CookieChoice, version: int
) -> CookieChoice | None:
    """The banner's answer as the new consent cookie: accept all, reject all, or save the
    `chosen` categories; None for an unknown `choice`. Global Privacy Control (`gpc`) is an
    objection to marketing, whatever was clicked. The browser keeps its consent token."""
    if choice not in BANNER_CHOICES:
        return None
    statistics = choice == "accept_all" or (choice == "save" and STATISTICS in chosen)
    marketing = not gpc and (choice == "accept_all" or (choice == "save" and MARKETING in chosen))
    return CookieChoice(
        decided=True,
        statistics=statistics,
        marketing=marketing,
        version=version,
        token=previous.token or secrets.token_hex(16),
    )


def gpc_signal(request: HttpRequest) -> bool:
    """Global Privacy Control from the header (or the form field our script adds)."""
    return request.headers.get("Sec-GPC") == "1" or request.POST.get("gpc") == "1"


def optional_cookie_names(request: HttpRequest, category: str) -> list[str]:
    prefixes = OPTIONAL_COOKIE_PREFIXES[category]
    return [name for name in request.COOKIES if name.startswith(prefixes)]


# Hosts the Google tags need; allowed by the CSP only on responses to visitors who opted in.
CSP_FOR = {
    STATISTICS: {
        "script-src": ["https://www.googletagmanager.com"],
        "connect-src": [
            "https://*.google-analytics.com",
            "https://*.analytics.google.com",
            "https://*.googletagmanager.com",
        ],
        "img-src": ["https://*.google-analytics.com", "https://*.googletagmanager.com"],
    },
    MARKETING: {
        "script-src": ["https://www.googletagmanager.com", "https://www.googleadservices.com"],
        "connect-src": ["https://www.google.com", "https://googleads.g.doubleclick.net"],
        "img-src": ["https://www.google.com", "https://googleads.g.doubleclick.net"],
        "frame-src": ["https://td.doubleclick.net"],
    },
}


def tag_ids() -> dict[str, str]:
    return {
        STATISTICS: settings.PRIVACY_GA_MEASUREMENT_ID,
        MARKETING: settings.PRIVACY_GOOGLE_ADS_ID,
    }


def csp_update_for(choice: CookieChoice) -> dict[str, list[str]]:
    """CSP additions for this visitor: none unless they opted in and the tag is configured."""
    ids = tag_ids()
    update: dict[str, list[str]] = {}
    if not any(ids.values()):
        return update  # no tags configured: don't even read the choice
    for category, granted in [(STATISTICS, choice.statistics), (MARKETING, choice.marketing)]:
        if not (choice.decided and granted and ids[category]):
            continue
        for directive, hosts in CSP_FOR[category].items():
            merged = update.setdefault(directive, [])
            merged.extend(h for h in hosts if h not in merged)
    return update
