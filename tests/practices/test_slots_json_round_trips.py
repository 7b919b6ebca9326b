"""slots.json for a visitor: what it asks Redis, in round trips (each costs under load)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from coaching.practices.pages import availability_changed
from coaching.practices.services import practice_publish
from privacy.selectors import COOKIE_VERSION_CACHE_KEY
from tests.factories import PracticeFactory, SessionTypeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def url():
    practice = PracticeFactory(slug="runde")
    session_type = SessionTypeFactory(practice=practice)
    practice_publish(practice=practice, actor=practice.owner)
    return (
        reverse("practices:slots", args=[practice.slug])
        + f"?type={session_type.pk}&start={timezone.localdate()}&days=60"
    ), practice


def test_a_kept_answer_reads_the_cookie_policy_version_once(client, commands, url):
    path, _practice = url
    client.get(path)
    commands.clear()

    assert client.get(path).status_code == 200

    # The cookie policy's version (the page key and the visitor's choice), the kept answer and
    # the versions it rests on.
    assert [name for name, _ in commands] == ["GET", "GET", "MGET"]
    assert sum(COOKIE_VERSION_CACHE_KEY in " ".join(args) for _, args in commands) == 1


def test_a_computed_answer_reads_practice_type_and_listings_version_at_once(client, commands, url):
    path, practice = url
    client.get(path)
    availability_changed(practice.pk)
    commands.clear()

    assert client.get(path).status_code == 200

    # Cookie policy version; the kept answer and its versions (retired); the practice's page
    # data with the listings' version; the practice's availability version; the answer kept.
    assert [name for name, _ in commands] == ["GET", "GET", "MGET", "MGET", "GET", "SET"]
