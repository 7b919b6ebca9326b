"""A signed-in person's per-request cache values in one round trip (sofadoc/prefetch.py), read
from the request's copy, and a request that writes one reads what it wrote."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from privacy.services import SIGNUP_PURPOSES, consent_record
from sofadoc import prefetch
from sofadoc.cache import prefetched
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_signed_in_page_reads_the_persons_values_in_one_round_trip(client, commands):
    user = UserFactory()
    consent_record(user=user, decisions=dict.fromkeys(SIGNUP_PURPOSES, True), source="signup")
    client.force_login(user)
    client.get(reverse("notifications:list"))  # cold: computes and stores the values
    commands.clear()

    assert client.get(reverse("notifications:list")).status_code == 200

    keys = prefetch.keys_for(user.pk)
    # The consent gate, the cookie banner and both unread counts are registered...
    assert any("consent" in key for key in keys) and any("inbox" in key for key in keys)
    assert any("clients:unread" in key for key in keys)
    # ... read once, in one MGET with the session itself, and nothing else asked of Redis.
    assert [name for name, _ in commands] == ["MGET"]
    session_key = client.session.cache_key
    assert [a.split(":", 2)[-1] for a in commands[0][1]] == [session_key, *keys]


def test_an_anonymous_request_prefetches_nothing(client, commands):
    client.get(reverse("practices:directory"))

    assert not any(name == "MGET" and len(args) > 3 for name, args in commands)


def test_the_copy_answers_reads_and_forgets_what_the_request_writes():
    cache.set_many({"a": 1, "b": 2})
    token = prefetched.set(cache.prefetch(["a", "b", "absent"]))
    try:
        cache.set_many({"a": 10, "b": 20})
        # Not in the copy any more: read from Redis, so the request sees its own writes.
        assert cache.get("a") == 10
        assert cache.get_many(["b", "absent"]) == {"b": 20}
        cache.delete("b")
        assert cache.get("b") is None
        # An absent key is answered from the copy, without asking Redis.
        cache.set("elsewhere", 1)
        assert cache.get("absent", "default") == "default"
    finally:
        prefetched.reset(token)


def test_the_copy_is_a_snapshot_of_the_request_start():
    cache.set("v", 1)
    token = prefetched.set(cache.prefetch(["v"]))
    try:
        # Another process changes the value meanwhile: this request keeps what it read first.
        raw = cache._cache.get_client(write=True)
        raw.set(cache.make_and_validate_key("v"), 5)
        assert cache.get("v") == 1
    finally:
        prefetched.reset(token)
    assert prefetched.get() is None
    assert cache.get("v") == 5


def _other_persons_session(client, user):
    """The process remembers `user` for the client's session key, as if it had changed hands."""
    prefetch._session_users[client.session.session_key] = user.pk


def test_a_session_that_names_someone_else_than_remembered_reads_its_own_persons_values(
    client, commands
):
    someone, other = UserFactory(), UserFactory()
    client.force_login(someone)
    client.get(reverse("notifications:list"))
    _other_persons_session(client, other)
    commands.clear()

    assert client.get(reverse("notifications:list")).status_code == 200

    # The guess (the session with the other person's values) is read, found wrong and dropped;
    # the person's own values come in a second MGET, and the process remembers them now.
    assert [name for name, _ in commands][:2] == ["MGET", "MGET"]
    assert any(f":{other.pk}:" in a for a in commands[0][1])
    assert all(f":{other.pk}:" not in a for a in commands[1][1])
    assert any(f":{someone.pk}:" in a for a in commands[1][1])
    assert prefetch._session_users[client.session.session_key] == someone.pk


def test_an_ended_session_read_with_a_guess_signs_nobody_in(client, commands):
    from django.contrib.sessions.backends.base import SessionBase

    user = UserFactory()
    client.force_login(user)
    client.get(reverse("notifications:list"))
    session_key = client.session.session_key
    assert prefetch._session_users[session_key] == user.pk
    # Ended elsewhere (another device's logout, an erasure): the cookie still names it.
    store: SessionBase = client.session
    store.delete()

    response = client.get(reverse("notifications:list"))

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert session_key not in prefetch._session_users


def test_a_signed_in_practice_page_asks_redis_once(client, commands):
    from coaching.practices.pages import availability_version_key
    from coaching.practices.services import practice_publish
    from tests.factories import PracticeFactory, SessionTypeFactory

    practice = PracticeFactory(slug="einmal", hours=[(day, 8, 20) for day in range(7)])
    SessionTypeFactory(practice=practice)
    practice_publish(practice=practice, actor=practice.owner)
    client.force_login(UserFactory())
    url = reverse("practices:detail", args=[practice.slug])
    client.get(url)
    client.get(url)  # the process has kept what the page shows
    commands.clear()

    assert client.get(url).status_code == 200

    # Session, person's values, the listings' and this practice's availability version: one
    # MGET; practice, profile, offers and booking panel from the process's copies.
    assert [name for name, _ in commands] == ["MGET"]
    assert any(a.endswith(availability_version_key(practice.pk)) for a in commands[0][1])
