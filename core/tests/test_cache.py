"""The shared Redis cache (core.cache.PooledRedisCache) against a real Redis: what the page cache reads with."""

import pytest
import redis

from core.cache import PooledRedisCache

REDIS = "redis://127.0.0.1:6379/11"  # a database of its own: the test empties it


@pytest.fixture
def cache():
    client = redis.Redis.from_url(REDIS)
    client.flushdb()
    yield PooledRedisCache(REDIS, {"KEY_PREFIX": "t"})
    client.flushdb()


def test_get_many_returns_what_was_set_and_leaves_out_what_is_missing(cache):
    cache.set("page", (["v1"], {"content": b"<html>"}))
    cache.set("v:catalog", 17)

    assert cache.get_many(["page", "v:catalog", "v:missing"]) == {"page": (["v1"], {"content": b"<html>"}),
                                                                 "v:catalog": 17}
    assert cache.get_many([]) == {}


def test_get_many_reads_again_on_a_new_connection_when_redis_dropped_the_old_one(cache):
    cache.set("v:catalog", 17)
    cache.get_many(["v:catalog"])  # a pooled connection, then Redis drops every client (a restart)
    redis.Redis.from_url(REDIS).client_kill_filter(_type="normal", skipme=True)

    assert cache.get_many(["v:catalog"]) == {"v:catalog": 17}
    assert cache.get_many(["v:catalog"]) == {"v:catalog": 17}


def test_keys_memcached_would_refuse_are_fine(cache):
    long_key = "page:" + "x" * 300 + " with spaces"
    cache.set(long_key, 1)

    assert cache.get_many([long_key]) == {long_key: 1}
