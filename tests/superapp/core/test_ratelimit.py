"""Rate-limit counters: a tally is the separate counter operations, in one round trip on
Redis (a payment's PIN check)."""

import uuid
from datetime import timedelta

import pytest
import redis.connection
from django.core.cache import cache
from django.utils import timezone

from superapp.core import ratelimit


@pytest.fixture
def subject() -> str:
    return uuid.uuid4().hex


def test_a_tally_counts_and_reads_the_lock_as_the_separate_operations_do(subject):
    until = timezone.now() + timedelta(minutes=5)
    ratelimit.lock("lock", subject, until=until)
    ratelimit.increment("first", subject, window_seconds=60)

    counts, locked = ratelimit.tally(
        [("first", subject, 60), ("second", subject, 60)], ("lock", subject)
    )

    assert counts == [2, 1]
    assert (ratelimit.count("first", subject), ratelimit.count("second", subject)) == (2, 1)
    assert locked == ratelimit.locked_until("lock", subject)
    assert timedelta(0) <= until - locked < timedelta(milliseconds=1)


def test_a_tally_without_a_lock_reads_none(subject):
    assert ratelimit.tally([("first", subject, 60)], ("lock", subject)) == ([1], None)


def test_a_lock_kept_in_seconds_before_milliseconds_is_still_read(subject):
    until = timezone.now() + timedelta(minutes=5)
    cache.set(f"ratelimit:lock:{subject}", until.timestamp(), timeout=300)

    assert ratelimit.locked_until("lock", subject) == until
    assert ratelimit.tally([("first", subject, 60)], ("lock", subject)) == ([1], until)


def test_on_redis_a_tally_is_one_round_trip(settings, monkeypatch, subject):
    if not settings.REDIS_URL:
        pytest.skip("the embedded default has no Redis")
    increments = [("first", subject, 60), ("second", subject, 900)]
    ratelimit.tally(increments, ("lock", subject))  # the pooled connection is open
    sent = []
    send = redis.connection.AbstractConnection.send_packed_command

    def counted(connection, command, *args, **kwargs):
        sent.append(command)
        return send(connection, command, *args, **kwargs)

    monkeypatch.setattr(redis.connection.AbstractConnection, "send_packed_command", counted)
    assert ratelimit.tally(increments, ("lock", subject)) == ([2, 2], None)
    assert len(sent) == 1
