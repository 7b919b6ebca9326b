"""The viewer's zone is checked against the tz database without scanning it per request."""

import zoneinfo

import pytest
from django.urls import reverse
from django.utils import translation

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


def test_zones_are_named_in_the_viewers_language():
    with translation.override("de"):
        assert timezones.zone_label("Europe/Berlin") == "Mitteleuropäische Zeit (Berlin)"
        assert timezones.zone_label("Europe/Vienna") == "Mitteleuropäische Zeit (Wien)"
    with translation.override("en"):
        assert timezones.zone_label("Europe/Berlin") == "Central European Time (Berlin)"
    assert timezones.zone_label("Mars/Olympus_Mons") == "Mars/Olympus_Mons"


def test_the_choice_offers_frequent_zones_first_then_every_zone_once_in_german():
    with translation.override("de"):
        (frequent_label, frequent), (all_label, rest) = timezones.time_zone_choices()
    assert (frequent_label, all_label) == ("Häufig gewählt", "Alle Zeitzonen")
    assert frequent[0] == ("Europe/Berlin", "Berlin – Mitteleuropäische Zeit")
    names = [name for name, _ in frequent + rest]
    assert sorted(names) == sorted(timezones.time_zone_names())
    labels = dict(frequent + rest)
    assert labels["Europe/Vienna"] == "Wien – Mitteleuropäische Zeit"
    assert labels["Asia/Ho_Chi_Minh"].startswith("Ho-Chi-Minh-Stadt")
    rest_labels = [label for _, label in rest]
    assert rest_labels == sorted(rest_labels, key=timezones._sort_key)


@pytest.mark.django_db
def test_the_profile_form_lists_zones_by_german_name(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    page = client.get(reverse("accounts:profile"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert '<optgroup label="Häufig gewählt">' in page
    assert "Wien – Mitteleuropäische Zeit" in page
