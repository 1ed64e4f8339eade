"""Fixed-window counters in the cache (Redis when configured), shared by every web process.

The counters fail OPEN: when the cache does not answer (Redis down), a request is counted as
nothing and allowed, with a warning in the log. Rate limits protect capacity and slow down
guessing; they are not the record of anything, and an outage of Redis must not take login,
messaging or payments down with it (docs/testing.md, "Services failing"). What must never be
lost — money, messages, PIN hashes — lives in PostgreSQL.
"""

import logging
from collections.abc import Sequence
from datetime import UTC, datetime

import redis
from django.core.cache import cache

from superapp.core.cache import default_cache_client
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
    """Add one to the counter (its window starts with the first hit); 0 if it cannot count.
    On Redis one round trip (``SET NX EX`` then ``INCR``, pipelined); elsewhere the cache's
    ``add`` and ``incr``."""
    key = _key(scope, subject)
    try:
        if client := default_cache_client():
            return _redis_increment(client, cache.make_and_validate_key(key), window_seconds)
        cache.add(key, 0, timeout=window_seconds)
        try:
            return cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window_seconds)
            return 1
    except Exception:
        _unavailable("increment", scope)
        return 0


def _redis_increment(client: redis.Redis, key: str, window_seconds: int) -> int:
    with client.pipeline(transaction=False) as pipeline:
        pipeline.set(key, 0, ex=window_seconds, nx=True)
        pipeline.incr(key)
        return pipeline.execute()[1]


def decrement(scope: str, subject: str) -> None:
    """Take one back (a counted attempt that turned out fine); nothing if the window ended."""
    try:
        cache.decr(_key(scope, subject))
    except ValueError:  # no counter (its window ended)
        pass
    except Exception:
        _unavailable("decrement", scope)


def client_address(request) -> str:
    """The client address counters are kept per. Behind a proxy, have it set REMOTE_ADDR."""
    return request.META.get("REMOTE_ADDR") or "unknown"


def reset(scope: str, subject: str) -> None:
    try:
        cache.delete(_key(scope, subject))
    except Exception:
        _unavailable("reset", scope)


def lock(scope: str, subject: str, *, until: datetime) -> None:
    """Lock ``subject`` until ``until`` (the instant is kept, so callers can say when it ends; in
    whole milliseconds, an integer, which Redis keeps as its digits: :func:`tally` reads it in
    the same round trip as its counters)."""
    seconds = max(1, int((until - datetime.now(UTC)).total_seconds()))
    try:
        cache.set(_key(scope, subject), int(until.timestamp() * 1000), timeout=seconds)
    except Exception:
        _unavailable("lock", scope)


def locked_until(scope: str, subject: str) -> datetime | None:
    """When the lock on ``subject`` ends, or None if it is not locked (or cannot be told)."""
    try:
        until = cache.get(_key(scope, subject))
    except Exception:
        _unavailable("read", scope)
        return None
    return _instant(until)


def _instant(until: int | float | None) -> datetime | None:
    """The end of a lock as kept: milliseconds, or seconds as a float (locks taken before
    milliseconds were kept, which expire by themselves)."""
    if until is None:
        return None
    return datetime.fromtimestamp(until / 1000 if isinstance(until, int) else until, UTC)


def tally(
    increments: Sequence[tuple[str, str, int]], lock: tuple[str, str]
) -> tuple[list[int], datetime | None]:
    """Several :func:`increment` s — (scope, subject, window seconds) each — and the
    :func:`locked_until` of ``lock`` (scope, subject): on Redis in one round trip instead of
    one each (a payment's PIN check counts its attempt and its guess and reads the payments
    lock). Fails open as they do: a counter that cannot count is 0, a lock that cannot be read
    is none."""
    client = default_cache_client()
    if client is None:
        counts = [increment(scope, subject, window_seconds=w) for scope, subject, w in increments]
        return counts, locked_until(*lock)
    lock_key = cache.make_and_validate_key(_key(*lock))
    try:
        with client.pipeline(transaction=False) as pipeline:
            for scope, subject, window_seconds in increments:
                key = cache.make_and_validate_key(_key(scope, subject))
                pipeline.set(key, 0, ex=window_seconds, nx=True)
                pipeline.incr(key)
            pipeline.get(lock_key)
            replies = pipeline.execute()
    except Exception:
        _unavailable("tally", ", ".join(scope for scope, _, _ in increments))
        return [0] * len(increments), None
    until = replies[-1]
    if until is not None and not until.isdigit():  # kept before milliseconds: pickled
        return replies[1:-1:2], locked_until(*lock)
    return replies[1:-1:2], _instant(None if until is None else int(until))


def hit(scope: str, subject: str, *, limit: int, window_seconds: int) -> None:
    """Count one request; refuse it with 429 ``rate_limited`` past ``limit`` in the window."""
    if increment(scope, subject, window_seconds=window_seconds) > limit:
        raise RateLimited(retry_after=window_seconds)
