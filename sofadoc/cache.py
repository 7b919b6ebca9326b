"""Django's Redis cache, reusing one redis client per connection pool.

Django's RedisCacheClient builds a new `redis.Redis` around the pool for every cache call, and
building one (its table of response callbacks) costs more than a GET on loopback. Pages make one
to three cache calls each (the cookie policy version, the directory's listing), so the site
keeps the client. A client is only a front for the pool: it holds no connection of its own and
is safe to share; the pool still hands out connections per call and re-creates them after a
fork.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
