"""Every cookie the site may set: one registry for the cookie page and the banner."""

from dataclasses import dataclass

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

NECESSARY = "necessary"
STATISTICS = "statistics"
MARKETING = "marketing"

CATEGORIES = {
    NECESSARY: _("Necessary (always on)"),
    STATISTICS: _("Statistics"),
    MARKETING: _("Marketing"),
}
CONSENT_COOKIE_NAME = "sofadoc_consent"


@dataclass(frozen=True)
class Cookie:
    name: str
    category: str
    purpose: Promise
    lifetime: Promise
    provider: str

    @property
    def category_label(self):
        return CATEGORIES[self.category]


COOKIES = [
    Cookie(
        settings.SESSION_COOKIE_NAME,
        NECESSARY,
        _("Keeps you signed in."),
        _("2 weeks or until you sign out"),
        "SofaDoc",
    ),
    Cookie(
        settings.CSRF_COOKIE_NAME,
        NECESSARY,
        _("Protects forms against cross-site request forgery."),
        _("1 year"),
        "SofaDoc",
    ),
    Cookie(
        settings.TIME_ZONE_COOKIE_NAME,
        NECESSARY,
        _("Shows times in your time zone."),
        _("1 year"),
        "SofaDoc",
    ),
    Cookie(
        settings.LANGUAGE_COOKIE_NAME,
        NECESSARY,
        _("Remembers the language you chose."),
        _("1 year"),
        "SofaDoc",
    ),
    Cookie(
        CONSENT_COOKIE_NAME,
        NECESSARY,
        _("Stores your cookie choice and the cookie policy version."),
        _("1 year"),
        "SofaDoc",
    ),
    Cookie(
        "_ga",
        STATISTICS,
        _("Google Analytics: distinguishes visitors (IP address shortened)."),
        _("2 years"),
        "Google Ireland Ltd.",
    ),
    Cookie(
        "_ga_*",
        STATISTICS,
        _("Google Analytics: keeps the state of a visit."),
        _("2 years"),
        "Google Ireland Ltd.",
    ),
    Cookie(
        "_gcl_au",
        MARKETING,
        _("Google Ads: measures whether an ad led to a signup."),
        _("90 days"),
        "Google Ireland Ltd.",
    ),
]
