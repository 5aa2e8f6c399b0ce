"""The production cache (lms/cache.py), against the real Redis server."""

import os
import uuid

import pytest
from django.core.cache import caches

from lms.cache import RedisCache

REDIS_URL = os.environ.get("LMS_TEST_REDIS_URL", "redis://127.0.0.1:6379/2")


def _backend(location: str, prefix: str) -> RedisCache:
    return RedisCache(location, {"KEY_PREFIX": prefix})


@pytest.fixture
def prefix():
    return f"test-{uuid.uuid4().hex}"


@pytest.fixture
def redis_cache(settings, prefix):
    settings.CACHES = {
        **settings.CACHES,
        "redis": {
            "BACKEND": "lms.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        },
    }
    backend = caches["redis"]
    yield backend
    client = backend._cache.get_client(write=True)
    keys = list(client.scan_iter(match=f"{prefix}:*"))
    if keys:
        client.delete(*keys)


def test_what_one_process_writes_another_reads(redis_cache, prefix):
    redis_cache.set("lesson", {"title": "Cổng dịch vụ công"}, 60)
    assert redis_cache.add("version", 7, None)
    assert not redis_cache.add("version", 8, None)
    assert redis_cache.incr("version") == 8

    other_process = _backend(REDIS_URL, prefix)

    assert other_process.get("lesson") == {"title": "Cổng dịch vụ công"}
    assert other_process.get_many(["lesson", "version", "none"]) == {
        "lesson": {"title": "Cổng dịch vụ công"},
        "version": 8,
    }
    other_process.delete("lesson")
    assert redis_cache.get("lesson") is None


def test_every_call_shares_one_client_of_the_server(redis_cache):
    clients = set()
    for number in range(50):
        redis_cache.set(f"key-{number}", number, 60)
        assert redis_cache.get(f"key-{number}") == number
        clients.add(id(redis_cache._cache.get_client(f"key-{number}")))
        clients.add(id(redis_cache._cache.get_client(f"key-{number}", write=True)))

    assert len(clients) == 1


def test_with_a_replica_reads_and_writes_keep_a_client_each(prefix):
    # The second address is where reads go (Django's rule); here the same server.
    backend = _backend(f"{REDIS_URL},{REDIS_URL}", prefix)
    try:
        backend.set("figure", 105463, 60)
        writer = backend._cache.get_client(write=True)
        reader = backend._cache.get_client()

        assert backend.get("figure") == 105463
        assert writer is not reader
        assert backend._cache.get_client(write=True) is writer
        assert backend._cache.get_client() is reader
    finally:
        backend.delete("figure")
