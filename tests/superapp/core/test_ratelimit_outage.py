"""Rate-limit counters fail open: a cache (Redis) outage neither refuses nor crashes requests
(docs/testing.md, "Decisions these tests forced")."""

import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from payments.services import InvalidPin, pin_verify
from superapp.core import ratelimit
from tests.payments.factories import PIN, payer

UNREACHABLE_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6399/0",  # nothing listens there
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


def test_counters_count_nothing_and_refuse_nothing_when_the_cache_is_down(settings, caplog):
    settings.CACHES = UNREACHABLE_CACHE
    with caplog.at_level(logging.WARNING, logger="superapp.core.ratelimit"):
        ratelimit.hit("outage", "subject", limit=0, window_seconds=60)  # counted, this is a 429
        assert ratelimit.count("outage", "subject") == 0
        ratelimit.reset("outage", "subject")
        ratelimit.lock("outage", "subject", until=timezone.now() + timedelta(minutes=1))
        assert ratelimit.locked_until("outage", "subject") is None
    assert "rate-limit counters unavailable" in caplog.text


@pytest.mark.django_db
def test_the_pin_is_still_checked_when_the_cache_is_down(settings):
    user = payer()
    settings.CACHES = UNREACHABLE_CACHE
    pin_verify(user=user, pin=PIN)
    with pytest.raises(InvalidPin):
        pin_verify(user=user, pin="000000")
