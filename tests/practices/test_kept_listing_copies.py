"""What versioned_get keeps per process (coaching/practices/directory.py): answered without Redis
when the request's prefetched listings' version matches, never after a change or past its age,
and never shared as objects between requests."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from coaching.practices import directory
from coaching.practices.directory import (
    LISTING_VERSION_KEY,
    directory_changed,
    versioned_get,
    versioned_set,
)
from coaching.practices.services import practice_publish
from sofadoc.cache import prefetched
from sofadoc.pagecache import version_current
from tests.factories import PracticeFactory, SessionTypeFactory, UserFactory

pytestmark = pytest.mark.django_db


class Asked:
    def __init__(self, monkeypatch):
        self.keys: list[list[str]] = []
        original = type(cache._connections["default"]).get_many  # type: ignore[attr-defined]

        def get_many(backend, keys, version=None):
            self.keys.append(list(keys))
            return original(backend, keys, version)

        monkeypatch.setattr(type(cache._connections["default"]), "get_many", get_many)  # type: ignore[attr-defined]


def as_a_signed_in_request(read):
    """`read()` with the listings' version prefetched, as PrefetchMiddleware does."""
    token = prefetched.set(cache.prefetch([LISTING_VERSION_KEY]))
    try:
        return read()
    finally:
        prefetched.reset(token)


def test_a_kept_value_is_answered_without_redis_under_the_same_version(monkeypatch):
    version = version_current(LISTING_VERSION_KEY)
    versioned_set("kept:a", ["value"], version=version, timeout=60)
    asked = Asked(monkeypatch)

    value, seen = as_a_signed_in_request(lambda: versioned_get("kept:a"))

    assert (value, seen) == (["value"], version)
    assert asked.keys == []


def test_a_change_of_the_listings_retires_the_kept_value():
    versioned_set("kept:b", "old", version=version_current(LISTING_VERSION_KEY), timeout=60)
    directory_changed()

    value, version = as_a_signed_in_request(lambda: versioned_get("kept:b"))

    assert value is None and version == version_current(LISTING_VERSION_KEY)


def test_a_kept_value_past_its_age_is_read_from_redis_again(monkeypatch):
    version = version_current(LISTING_VERSION_KEY)
    versioned_set("kept:c", "first", version=version, timeout=600, fresh=30)
    # Another process refreshed it in Redis; this one's copy is older than `fresh` now.
    cache.set("kept:c", (version, "refreshed", 10**10), 600)
    clock = directory.time.time() + 31
    monkeypatch.setattr(directory.time, "time", lambda: clock)

    value, _ = as_a_signed_in_request(lambda: versioned_get("kept:c"))

    assert value == "refreshed"


def test_each_request_gets_its_own_objects():
    versioned_set("kept:d", {"rows": [1]}, version=version_current(LISTING_VERSION_KEY), timeout=60)
    first, _ = as_a_signed_in_request(lambda: versioned_get("kept:d"))
    first["rows"].append(2)  # a view changing what it was given

    again, _ = as_a_signed_in_request(lambda: versioned_get("kept:d"))

    assert again == {"rows": [1]}


def test_a_value_stored_by_older_code_is_computed_again():
    version = version_current(LISTING_VERSION_KEY)
    cache.set("kept:e", (version, "two-tuple"), 60)

    assert versioned_get("kept:e") == (None, version)


def test_a_signed_in_visitor_sees_a_changed_practice_at_once(client):
    practice = PracticeFactory(slug="geaendert", headline="Vorher", hours=[(0, 8, 20)])
    SessionTypeFactory(practice=practice)
    practice_publish(practice=practice, actor=practice.owner)
    client.force_login(UserFactory())
    url = reverse("practices:detail", args=[practice.slug])
    for _ in range(2):  # the second from the process's copies
        assert "Vorher" in client.get(url).content.decode()

    practice.headline = "Nachher"
    practice.save()

    html = client.get(url).content.decode()
    assert "Nachher" in html and "Vorher" not in html


def test_the_kept_booking_panel_follows_language_zone_and_a_new_booking_rule(client):
    from coaching.practices.pages import availability_changed

    practice = PracticeFactory(slug="panel", hours=[(day, 8, 20) for day in range(7)])
    SessionTypeFactory(practice=practice, name="Erstgespräch")
    practice_publish(practice=practice, actor=practice.owner)
    person = UserFactory(language="de")
    client.force_login(person)
    url = reverse("practices:detail", args=[practice.slug])

    def panel_html() -> str:
        html = client.get(url).content.decode()
        return html[html.index('id="times-heading"') : html.index('class="practice-packages"')]

    german = panel_html()
    assert german == panel_html()  # kept, and the same
    person.language = "en"
    person.save()
    assert "Book a time" in panel_html()
    person.time_zone = "America/New_York"
    person.save()
    assert "New York" in panel_html()

    practice.session_types.update(name="Kennenlernen")  # no signal: the versions tell
    availability_changed(practice.pk)
    assert "Kennenlernen" not in panel_html()  # the listing rests
    directory_changed()
    assert "Kennenlernen" in panel_html()


def test_a_directory_query_found_invalid_is_answered_once_it_becomes_valid(client):
    from coaching.practices.models import Specialty

    client.force_login(UserFactory())
    url = reverse("practices:directory") + "?specialty=achtsamkeit"
    for _ in range(2):  # the second time the process knows it is never stored
        assert client.get(url).status_code == 400

    Specialty.objects.create(slug="achtsamkeit", name_de="Achtsamkeit", name_en="Mindfulness")

    response = client.get(url)
    assert response.status_code == 200
    assert 'value="achtsamkeit" selected' in response.content.decode()
    assert client.get(url).status_code == 200  # stored now, and served


def test_a_stored_directory_listing_is_served_without_the_filter_form(client, monkeypatch):
    from coaching.practices import forms

    client.force_login(UserFactory())
    url = reverse("practices:directory")
    first = client.get(url).content.decode()

    def no_form(*args, **kwargs):
        raise AssertionError("the form was built")

    monkeypatch.setattr(forms.DirectoryFilterForm, "__init__", no_form)
    assert client.get(url).content.decode().count('name="q"') == first.count('name="q"') == 1
