import pytest
import redis
from django.conf import settings


@pytest.fixture(autouse=True)
def _fresh_room_counters():
    """Room counters live in Redis under the live prefix; ids restart with each test
    database, so each test starts without a previous run's counters."""
    if settings.REDIS_URL:
        client = redis.Redis.from_url(settings.REDIS_URL)
        keys = list(client.scan_iter(f"{settings.LIVE_REDIS_PREFIX}:*"))
        if keys:
            client.delete(*keys)
    yield
