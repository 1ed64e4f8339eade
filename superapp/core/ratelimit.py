"""Fixed-window counters in the cache (Redis when configured), shared by every web process.

The counters fail OPEN: when the cache does not answer (Redis down), a request is counted as
nothing and allowed, with a warning in the log. Rate limits protect capacity and slow down
guessing; they are not the record of anything, and an outage of Redis must not take login,
messaging or payments down with it (docs/testing.md, "Services failing"). What must never be
lost — money, messages, PIN hashes — lives in PostgreSQL.
"""

import logging

from django.core.cache import cache

from superapp.core.errors import RateLimited

logger = logging.getLogger(__name__)


def _key(scope: str, subject: str) -> str:
    return f"ratelimit:{scope}:{subject}"


def _unavailable(operation: str, scope: str) -> None:
    logger.warning(
        "rate-limit counters unavailable; %s of %s skipped (failing open)",
        operation,
        scope,
        exc_info=True,
    )


def count(scope: str, subject: str) -> int:
    try:
        return int(cache.get(_key(scope, subject)) or 0)
    except Exception:
        _unavailable("read", scope)
        return 0


def increment(scope: str, subject: str, *, window_seconds: int) -> int:
    """Add one to the counter (its window starts with the first hit); 0 if it cannot count."""
    key = _key(scope, subject)
    try:
        cache.add(key, 0, timeout=window_seconds)
        try:
            return cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window_seconds)
            return 1
    except Exception:
        _unavailable("increment", scope)
        return 0


def extend(scope: str, subject: str, *, window_seconds: int) -> None:
    """Restart the counter's window from now (a lock that lasts ``window_seconds``)."""
    try:
        cache.touch(_key(scope, subject), timeout=window_seconds)
    except Exception:
        _unavailable("extend", scope)


def reset(scope: str, subject: str) -> None:
    try:
        cache.delete(_key(scope, subject))
    except Exception:
        _unavailable("reset", scope)


def hit(scope: str, subject: str, *, limit: int, window_seconds: int) -> None:
    """Count one request; refuse it with 429 ``rate_limited`` past ``limit`` in the window."""
    if increment(scope, subject, window_seconds=window_seconds) > limit:
        raise RateLimited(retry_after=window_seconds)
