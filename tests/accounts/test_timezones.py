"""The viewer's zone is checked against the tz database without scanning it per request."""

import zoneinfo

from sofadoc.accounts import timezones


def test_zone_names_are_checked_against_the_tz_database():
    assert timezones.is_valid_time_zone("Europe/Berlin")
    assert timezones.is_valid_time_zone("America/New_York")
    assert not timezones.is_valid_time_zone("Mars/Olympus_Mons")
    assert not timezones.is_valid_time_zone("")
    assert not timezones.is_valid_time_zone(None)


def test_the_tz_database_is_read_once_per_process(monkeypatch):
    scans = []
    real = zoneinfo.available_timezones

    def counting():
        scans.append(1)
        return real()

    monkeypatch.setattr(zoneinfo, "available_timezones", counting)
    timezones._known_zones.cache_clear()
    try:
        for _ in range(5):
            assert timezones.is_valid_time_zone("Europe/Berlin")
    finally:
        timezones._known_zones.cache_clear()
    assert len(scans) == 1
