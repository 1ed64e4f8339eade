"""A Redis connection pool shared by every cache instance of the process.

Django builds a new cache object, and with it a new connection pool, in every request context:
under ASGI that means a new Redis connection (DNS lookup, TCP handshake) per request for the
first rate-limit counter. The pools are keyed by URL and options and live as long as the
process; redis-py's pools re-create their connections after a fork.
"""

import threading

import redis

_pools: dict[tuple, redis.ConnectionPool] = {}
_lock = threading.Lock()


class SharedConnectionPool(redis.ConnectionPool):
    @classmethod
    def from_url(cls, url: str, **options) -> redis.ConnectionPool:
        key = (url, tuple(sorted((name, repr(value)) for name, value in options.items())))
        with _lock:
            if key not in _pools:
                _pools[key] = redis.ConnectionPool.from_url(url, **options)
            return _pools[key]
