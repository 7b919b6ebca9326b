"""IANA time zones offered to people, named in their language, and how a request's zone is
chosen."""

import unicodedata
import zoneinfo
from functools import cache

from babel.dates import get_timezone, get_timezone_location, get_timezone_name
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

# Offered first: where SofaDoc's coaches and clients mostly are, then the usual places abroad.
FREQUENT = (
    "Europe/Berlin",
    "Europe/Vienna",
    "Europe/Zurich",
    "Europe/London",
    "Europe/Paris",
    "Europe/Madrid",
    "Europe/Rome",
    "Europe/Amsterdam",
    "Europe/Istanbul",
    "America/New_York",
    "America/Los_Angeles",
    "Asia/Dubai",
    "Australia/Sydney",
    "UTC",
)


@cache
def time_zone_names() -> tuple[str, ...]:
    # Region/City zones only: the legacy aliases (e.g. "US/Eastern", "CET") confuse people.
    regions = (
        "Africa",
        "America",
        "Antarctica",
        "Asia",
        "Atlantic",
        "Australia",
        "Europe",
        "Indian",
        "Pacific",
    )
    names = {name for name in zoneinfo.available_timezones() if name.startswith(regions)}
    return (*sorted(names), "UTC")


def _language() -> str:
    return (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]


@cache
def _names(name: str, language: str) -> tuple[str, str]:
    """(city, zone) in the language, e.g. ("Wien", "Mitteleuropäische Zeit") — CLDR's names,
    so nobody has to recognise "Europe/Vienna"."""
    if name == "UTC":
        return "UTC", str(_("Coordinated Universal Time"))
    zone = get_timezone(name)
    city = get_timezone_location(zone, locale=language, return_city=True)
    return city, get_timezone_name(zone, "long", locale=language)


def zone_label(name: str) -> str:
    """How a zone is named beside a time: "Mitteleuropäische Zeit (Berlin)"."""
    if not is_valid_time_zone(name):
        return name
    city, zone = _names(name, _language())
    return zone if city == zone else f"{zone} ({city})"


def _sort_key(label: str) -> str:
    # "Zürich" beside "Zug", not after "Z…": compare without accents.
    return unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode().casefold()


@cache
def _choices(language: str) -> list:
    def label(name: str) -> str:
        city, zone = _names(name, language)
        return city if city == zone else f"{city} – {zone}"

    with translation.override(language):
        frequent = [(name, label(name)) for name in FREQUENT]
        rest = sorted(
            ((name, label(name)) for name in time_zone_names() if name not in FREQUENT),
            key=lambda choice: _sort_key(choice[1]),
        )
        return [(str(_("Frequently chosen")), frequent), (str(_("All time zones")), rest)]


def time_zone_choices() -> list:
    """Grouped choices, named by city and zone in the viewer's language."""
    return _choices(_language())


@cache
def _known_zones() -> frozenset[str]:
    # available_timezones() walks the tz database on disk (tens of ms); the middleware asks on
    # every request with a zone cookie or a signed-in user. The database only changes with a
    # package upgrade, which restarts the processes anyway.
    return frozenset(zoneinfo.available_timezones())


def is_valid_time_zone(name: str | None) -> bool:
    return bool(name) and name in _known_zones()


def viewer_time_zone(*, user, cookie_value: str | None) -> zoneinfo.ZoneInfo:
    """The zone to show times in: the account's setting, the browser's, or the default."""
    if user is not None and user.is_authenticated and is_valid_time_zone(user.time_zone):
        return zoneinfo.ZoneInfo(user.time_zone)
    if is_valid_time_zone(cookie_value):
        return zoneinfo.ZoneInfo(cookie_value)
    return zoneinfo.ZoneInfo(settings.DEFAULT_VIEWER_TIME_ZONE)
