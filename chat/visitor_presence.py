"""Which visitors have a socket open now, across server processes (the cache is Redis in
production). An agent's answer to a visitor who has left is emailed instead (W5).

A process that dies without closing its sockets leaves its counts up until they expire:
such a visitor counts as present and is not emailed, the safe side of the mistake."""

from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.redis import RedisCache

# One client for the whole process: ``django.core.cache.cache`` gives every async context
# (every socket) its own, hence its own Redis connection, and 10,000 sockets ran out of
# file descriptors (docs/benchmarks.md).
cache = caches.create_connection(DEFAULT_CACHE_ALIAS)

TTL_S = 24 * 3600


def key(visitor_id) -> str:
    """The cache key of a visitor's socket count (``chat.live`` reads many at once)."""
    return f"visitor-sockets:{visitor_id}"


def visitor_connected(visitor_id) -> None:
    """Count one more socket: on Redis in one round trip (every handshake counts, and
    Django's ``add`` then ``incr`` took three), elsewhere through the cache API."""
    redis, name = _redis(visitor_id)
    if redis is not None:
        redis.pipeline(transaction=False).incr(name).expire(name, TTL_S).execute()
        return
    cache.add(key(visitor_id), 0, TTL_S)
    cache.incr(key(visitor_id))


def visitor_disconnected(visitor_id) -> None:
    redis, name = _redis(visitor_id)
    if redis is not None:
        if redis.decr(name) <= 0:
            redis.delete(name)
        return
    try:
        if cache.decr(key(visitor_id)) <= 0:
            cache.delete(key(visitor_id))
    except ValueError:
        pass  # expired meanwhile: nothing to count down


def _redis(visitor_id):
    """The Redis client holding the visitor's count and its full key, or (None, None) when
    the cache is not Redis. Counts stay readable through the cache API (integers are
    stored as plain numbers)."""
    if not isinstance(cache, RedisCache):
        return None, None
    name = cache.make_and_validate_key(key(visitor_id))
    return cache._cache.get_client(name, write=True), name


def visitor_is_online(visitor_id) -> bool:
    return (cache.get(key(visitor_id)) or 0) > 0
