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
    # ... read once, in one MGET, and not again.
    reading = [(name, args) for name, args in commands if any(k in a for a in args for k in keys)]
    assert [name for name, _ in reading] == ["MGET"]
    assert len(reading[0][1]) == len(keys)


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


def test_the_booking_pages_pattern_is_its_address():
    from coaching.bookings.checkout_prefetch import BOOKING_PAGE

    match = BOOKING_PAGE.match(reverse("bookings:start", args=["anna-b_2", 17]))
    assert match is not None and match["slug"] == "anna-b_2"
    assert BOOKING_PAGE.match(reverse("bookings:mine")) is None
