"""Fixed-window counters in the cache (Redis when configured), shared by every web process."""

from django.core.cache import cache

from superapp.core.errors import RateLimited


def _key(scope: str, subject: str) -> str:
    return f"ratelimit:{scope}:{subject}"


def count(scope: str, subject: str) -> int:
    return int(cache.get(_key(scope, subject)) or 0)


def increment(scope: str, subject: str, *, window_seconds: int) -> int:
    key = _key(scope, subject)
    cache.add(key, 0, timeout=window_seconds)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window_seconds)
        return 1


def reset(scope: str, subject: str) -> None:
    cache.delete(_key(scope, subject))


def hit(scope: str, subject: str, *, limit: int, window_seconds: int) -> None:
    """Count one request; refuse it with 429 ``rate_limited`` past ``limit`` in the window."""
    if increment(scope, subject, window_seconds=window_seconds) > limit:
        raise RateLimited(retry_after=window_seconds)
