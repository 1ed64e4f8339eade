"""HTTP reaches Django through superapp.core.http.ThreadedWsgiApplication, the "http" branch of
the ASGI application the servers run (superapp/asgi.py)."""

import json

import pytest
from asgiref.sync import async_to_sync

from superapp.asgi import application


def call(method: str, path: str, chunks=(b"",), headers=()) -> tuple[dict, bytes]:
    """Send one request through the ASGI application; the body arrives in ``chunks``."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"testserver"), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    incoming = [
        {"type": "http.request", "body": chunk, "more_body": i < len(chunks) - 1}
        for i, chunk in enumerate(chunks)
    ]
    sent = []

    async def receive():
        return incoming.pop(0)

    async def send(message):
        sent.append(message)

    async_to_sync(application)(scope, receive, send)
    start, *bodies = sent
    assert start["type"] == "http.response.start"
    return start, b"".join(message["body"] for message in bodies)


@pytest.mark.django_db(transaction=True)
def test_a_body_sent_in_chunks_reaches_the_view_whole():
    payload = json.dumps(
        {"username": "chunky", "password": "correct horse battery", "display_name": "C"}
    ).encode()
    start, body = call(
        "POST",
        "/api/v1/auth/register",
        chunks=(payload[:10], payload[10:30], payload[30:]),
        headers=[(b"content-type", b"application/json")],
    )
    assert start["status"] == 201
    assert json.loads(body)["username"] == "chunky"


@pytest.mark.django_db(transaction=True)
def test_the_response_carries_the_middleware_headers():
    start, body = call("GET", "/healthz")
    headers = dict(start["headers"])
    assert start["status"] in (200, 503)  # 503 only if a service is down; the body says which
    assert headers[b"x-content-type-options"] == b"nosniff"
    assert b"x-request-id" in headers
    assert int(headers[b"content-length"]) == len(body)
    assert json.loads(body)["database"] == "ok"


@pytest.mark.django_db(transaction=True)
def test_an_error_answer_keeps_its_status_and_code():
    start, body = call("GET", "/api/v1/me")
    assert start["status"] == 401
    assert json.loads(body)["code"] == "not_authenticated"


def test_too_many_duplicate_headers_is_a_bad_request():
    start, body = call("GET", "/healthz", headers=[(b"x-dup", b"1")] * 101)
    assert start["status"] == 400
    assert body == b"Bad Request"


def test_every_cache_instance_of_the_process_shares_one_redis_pool(settings):
    if not settings.REDIS_URL:
        pytest.skip("the embedded default has no Redis")
    from django.core.cache import caches

    first, second = caches.create_connection("default"), caches.create_connection("default")
    assert first is not second
    assert first._cache._get_connection_pool(True) is second._cache._get_connection_pool(True)
