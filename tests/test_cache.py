"""The site's Redis cache: Django's backend, keeping its redis client between calls."""

from django.core.cache import caches

from sofadoc.cache import RedisCache


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
