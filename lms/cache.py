"""Django's Redis cache, with one Redis client per server instead of one per call.

Django's own client makes a new ``redis.Redis`` for every cache call, and each
one builds its table of about 170 reply handlers: on a signed-in lesson, which
reads the cache a few times, that was more than a millisecond of the worker's
CPU. A ``redis.Redis`` is made to be shared (its connections come from the pool
it is given), and Django keeps one cache backend per thread anyway, so one
client per server is kept and reused.
"""

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            if index not in self._pools:
                self._pools[index] = self._pool_class.from_url(
                    self._servers[index], **self._pool_options
                )
            client = self._clients[index] = self._client(
                connection_pool=self._pools[index]
            )
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
