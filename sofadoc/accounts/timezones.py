"""IANA time zones offered to people, and how a request's zone is chosen."""

import zoneinfo
from functools import cache

from django.conf import settings


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


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in time_zone_names()]


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
    if cookie_value and is_valid_time_zone(cookie_value):
        return zoneinfo.ZoneInfo(cookie_value)
    return zoneinfo.ZoneInfo(settings.DEFAULT_VIEWER_TIME_ZONE)
