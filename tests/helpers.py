"""Test helpers: authenticated API clients, mini-program tokens, query counting, receivers."""

import base64
import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlencode

from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from miniprograms import services as mp_services
from superapp.accounts import services as account_services


def consumer_client(user) -> APIClient:
    """An API client calling as ``user`` through the first-party app."""
    client = APIClient()
    pair = account_services.token_issue(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {pair.access_token}")
    client.user = user
    client.access_token = pair.access_token
    client.refresh_token = pair.refresh_token
    return client


def app_server_token(miniprogram, app_secret: str, scope: str = "") -> str:
    """A client-credentials token from the real /o/token/ endpoint."""
    response = APIClient().post(
        "/o/token/",
        urlencode({"grant_type": "client_credentials", **({"scope": scope} if scope else {})}),
        content_type="application/x-www-form-urlencoded",
        HTTP_AUTHORIZATION=basic_auth(miniprogram.app_id, app_secret),
    )
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


def basic_auth(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def register_app(*, owner, organisation=None, name="Test app"):
    organisation = organisation or mp_services.organisation_create(actor=owner, name="Org")
    return mp_services.miniprogram_register(actor=owner, organisation=organisation, name=name)


def count_queries(action: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured.captured_queries)


def assert_queries_constant(
    build: Callable[[int], object], action: Callable[[], object], sizes=(2, 8)
) -> None:
    """Fail if ``action`` issues more SQL after ``build`` grows the data set (an N+1)."""
    counts = []
    done = 0
    for size in sizes:
        build(size - done)
        done = size
        counts.append(count_queries(action))
    assert len(set(counts)) == 1, (
        f"query count grows with data: {dict(zip(sizes, counts, strict=True))}"
    )


class Receiver:
    """A real HTTP server on 127.0.0.1 standing in for a brand's or merchant's endpoint.

    ``responses`` is the list of status codes to answer in turn (then 200 forever); ``port``
    picks the port (default: any free one)."""

    def __init__(self, responses: list[int] | None = None, port: int = 0):
        self.responses = list(responses or [])
        self.requests: list[dict] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append({"headers": dict(self.headers), "body": body})
                status = receiver.responses.pop(0) if receiver.responses else 200
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def json_bodies(self) -> list[dict]:
        return [json.loads(r["body"]) for r in self.requests]
