import pytest
from celery._state import _set_task_join_will_block
from django.conf import settings
from django.core.cache import cache
from hypothesis import settings as hypothesis_settings

from superapp.media.storage import media_storage
from tests.factories import UserFactory
from tests.helpers import consumer_client

# Property tests check invariants, not speed: a per-example wall-clock deadline only makes them
# fail when the machine is busy (two pytest workers, a browser and a media server on two cores).
hypothesis_settings.register_profile("plaza", deadline=None)
hypothesis_settings.load_profile("plaza")


def pytest_configure(config):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # the suite's webhook receivers listen on localhost (tests/helpers.py Receiver)
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = True


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


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path):
    """Uploads a test makes (filesystem backend) go to its own folder, never the checkout."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_STORAGE_URL = ""
    media_storage.cache_clear()
    yield
    media_storage.cache_clear()


@pytest.fixture(autouse=True)
def _storefront_build(settings, tmp_path):
    """A small built storefront (what `make web-build` leaves in web/storefront/dist), so
    every shop a test opens releases the same bundle whether or not this checkout built it."""
    dist = tmp_path / "storefront-dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text('<div id="root"></div><script src="assets/app.js"></script>')
    (dist / "assets" / "app.js").write_text("document.title = 'storefront';")
    settings.STOREFRONT_DIST_DIR = str(dist)


@pytest.fixture(autouse=True)
def _celery_not_inside_a_task():
    """Celery's eager ``apply`` marks "inside a task" in one process-wide flag, saving and
    restoring it around each task. Two threads running eager tasks at once (the concurrency
    tests do) can restore it out of order and leave it set; every later ``.get()`` on an eager
    result in that process then raises "Never call result.get() within a task". Seen once the
    suite ran whole modules per xdist worker. Each test starts with the flag cleared."""
    _set_task_join_will_block(False)


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
