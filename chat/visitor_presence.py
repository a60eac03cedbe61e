"""Which visitors have a socket open now, across server processes (the cache is Redis in
production). An agent's answer to a visitor who has left is emailed instead (W5).

A process that dies without closing its sockets leaves its counts up until they expire:
such a visitor counts as present and is not emailed, the safe side of the mistake."""

from django.core.cache import DEFAULT_CACHE_ALIAS, caches

# One client for the whole process: ``django.core.cache.cache`` gives every async context
# (every socket) its own, hence its own Redis connection, and 10,000 sockets ran out of
# file descriptors (docs/benchmarks.md).
cache = caches.create_connection(DEFAULT_CACHE_ALIAS)

TTL_S = 24 * 3600


def key(visitor_id) -> str:
    """The cache key of a visitor's socket count (``chat.live`` reads many at once)."""
    return f"visitor-sockets:{visitor_id}"


def visitor_connected(visitor_id) -> None:
    cache.add(key(visitor_id), 0, TTL_S)
    cache.incr(key(visitor_id))


def visitor_disconnected(visitor_id) -> None:
    try:
        if cache.decr(key(visitor_id)) <= 0:
            cache.delete(key(visitor_id))
    except ValueError:
        pass  # expired meanwhile: nothing to count down


def visitor_is_online(visitor_id) -> bool:
    return (cache.get(key(visitor_id)) or 0) > 0
