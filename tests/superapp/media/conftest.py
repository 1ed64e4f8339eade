import pytest

from superapp.media import selectors, storage
from tests.s3_server import S3Server


def _use_storage(settings, **overrides):
    for name, value in overrides.items():
        setattr(settings, name, value)
    storage.media_storage.cache_clear()
    selectors._context_rule.cache_clear()


@pytest.fixture
def filesystem_media(settings):
    """The embedded default's folder (tests/conftest.py gives every test its own)."""
    return settings.MEDIA_ROOT


@pytest.fixture(scope="module")
def s3_server():
    server = S3Server().start()
    yield server
    server.stop()


@pytest.fixture
def s3_media(settings, s3_server):
    """The S3 path: Plaza stores in the moto server's bucket (emptied after the test)."""
    _use_storage(settings, MEDIA_STORAGE_URL=s3_server.storage_url)
    yield s3_server
    client = s3_server.client()
    for key in s3_server.object_keys():
        client.delete_object(Bucket=s3_server.bucket, Key=key)
    storage.media_storage.cache_clear()
