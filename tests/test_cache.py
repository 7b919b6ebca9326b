"""The site's Redis cache: Django's backend, keeping its redis client between calls, and
what it does while Redis is down (allauth's keys in local memory, the rest failing fast)."""

import time

import pytest
from django.core.cache import caches
from django.urls import reverse
from redis.exceptions import ConnectionError as RedisConnectionError

from sofadoc.cache import CacheUnavailable, RedisCache
from tests.factories import DEFAULT_PASSWORD, UserFactory


def test_the_site_caches_in_redis_through_one_client():
    cache = caches["default"]
    assert isinstance(cache, RedisCache)
    cache.set("sofadoc:test-cache", {"a": 1}, 30)
    assert cache.get("sofadoc:test-cache") == {"a": 1}
    assert cache.add("sofadoc:test-cache-n", 1)
    assert cache.incr("sofadoc:test-cache-n") == 2
    first = cache._cache.get_client(write=True)
    assert cache._cache.get_client(write=True) is first  # not rebuilt per call
    assert cache._cache.get_client() is first  # one server: reads use the same pool
    cache.delete("sofadoc:test-cache")
    assert cache.get("sofadoc:test-cache") is None


# --- Redis down ---------------------------------------------------------------------------------
NOBODY = "redis://127.0.0.1:9/0"  # the discard port: connections are refused at once


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": NOBODY}}
    settings.REDIS_RETRY_SECONDS = 60
    return caches["default"]


def test_with_redis_down_allauth_keys_live_in_this_process_and_others_fail_fast(redis_down, caplog):
    cache = redis_down
    with pytest.raises(RedisConnectionError):
        cache.get("practices:directory:x")  # tried: refused
    started = time.monotonic()
    with pytest.raises(CacheUnavailable):
        cache.get("practices:directory:x")  # not tried again for REDIS_RETRY_SECONDS
    assert cache.add("allauth:rl:account.login:1/60s/ip:127.0.0.1:lock", True, 10)
    assert not cache.add("allauth:rl:account.login:1/60s/ip:127.0.0.1:lock", True, 10)
    cache.set("allauth:rl:account.login:1/60s/ip:127.0.0.1", [1.0], 60)
    assert cache.get("allauth:rl:account.login:1/60s/ip:127.0.0.1") == [1.0]
    assert time.monotonic() - started < 0.05
    # The outage is logged once, not per call.
    assert [r.getMessage() for r in caplog.records if r.name == "sofadoc.outage"] == [
        "cache unreachable (ConnectionError); retrying every 60 s"
    ]


@pytest.mark.django_db
def test_with_redis_down_login_works_and_its_rate_limit_still_limits(redis_down, client):
    user = UserFactory()
    signed_in = client.post(
        reverse("account_login"), {"login": user.email, "password": DEFAULT_PASSWORD}
    )
    assert signed_in.status_code == 302 and "_auth_user_id" in client.session
    client.logout()
    for _ in range(5):
        wrong = client.post(reverse("account_login"), {"login": user.email, "password": "wrong"})
        assert wrong.status_code == 200
    # Counted in this process's memory: now even the right password is refused for a while.
    refused = client.post(
        reverse("account_login"), {"login": user.email, "password": DEFAULT_PASSWORD}
    )
    assert refused.status_code == 200 and "_auth_user_id" not in client.session
    assert "Zu viele" in " ".join(refused.context["form"].non_field_errors())


def test_the_cache_is_tried_again_after_the_pause_and_logs_its_return(settings, caplog):
    settings.REDIS_RETRY_SECONDS = 0.2
    settings.CACHES = {"default": dict(settings.CACHES["default"])}  # a fresh backend
    cache = caches["default"]
    cache.breaker.failed(RedisConnectionError("as if it had failed"))
    with pytest.raises(CacheUnavailable):
        cache.get("x")
    time.sleep(0.25)
    cache.set("sofadoc:test-back", 1, 10)
    assert cache.get("sofadoc:test-back") == 1
    assert [r.getMessage() for r in caplog.records if r.name == "sofadoc.outage"][-1] == (
        "cache is back"
    )
