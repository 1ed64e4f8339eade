import pytest
from django.conf import settings
from django.core.cache import cache

from tests.factories import UserFactory
from tests.helpers import consumer_client


def pytest_configure(config):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate-limit counters live in the cache; each test starts with none. On Redis only the
    cache's own keys go: the Celery broker and channel layer share the database."""
    if settings.REDIS_URL:
        client = cache._cache.get_client(write=True)
        prefix = settings.CACHES["default"]["KEY_PREFIX"]
        keys = list(client.scan_iter(f"{prefix}:*"))
        if keys:
            client.delete(*keys)
    else:
        cache.clear()
    yield


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def other_user(db):
    return UserFactory()


@pytest.fixture
def client_for(db):
    """``client_for(user)`` → an APIClient authenticated as that consumer."""
    return consumer_client


@pytest.fixture
def api(user):
    """An APIClient authenticated as ``user``."""
    return consumer_client(user)
