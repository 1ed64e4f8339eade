"""Test helpers: authenticated API clients, mini-program tokens, query counting, a transaction's
statements, receivers."""

import base64
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlencode

from channels.db import database_sync_to_async
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from miniprograms import services as mp_services
from superapp.accounts import services as account_services
from superapp.realtime.services import event_publish


def run_together(actions: list[Callable[[], object]]) -> list:
    """Run each action in its own thread (its own database connection, closed at the end),
    all released at the same instant by a barrier; their results, or the exceptions raised."""
    barrier = threading.Barrier(len(actions))
    results: list = [None] * len(actions)

    def run(index: int, action) -> None:
        try:
            barrier.wait()
            results[index] = action()
        except Exception as exc:  # surfaced by the assertions of the test
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


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


@contextmanager
def one_transaction() -> Iterator[list[str]]:
    """The statements of an entry point run in the block (docs/architecture.md,
    "Transactions"): one transaction and no savepoint inside it. The test runs in a transaction
    of its own, so the entry point's ``atomic`` is a savepoint here (BEGIN and COMMIT in
    production): the first and the last statement, left out of the list. Fails if the block is
    not one transaction, or if a nested call took a savepoint of its own."""
    statements: list[str] = []
    with CaptureQueriesContext(connection) as captured:
        yield statements
    sent = [query["sql"] for query in captured.captured_queries]
    assert sent and sent[0].startswith("SAVEPOINT ") and sent[-1] == f"RELEASE {sent[0]}", sent
    statements += sent[1:-1]
    assert not [sql for sql in statements if "SAVEPOINT" in sql], sent


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


class LocalServer:
    """A real HTTP server on 127.0.0.1 answering with ``handler`` (a ``BaseHTTPRequestHandler``
    class) on a thread for the duration of a ``with`` block; ``port`` 0 picks a free one."""

    def __init__(self, handler, port: int = 0):
        self.server = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.origin = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


class Receiver(LocalServer):
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

        super().__init__(Handler, port)
        self.url = f"{self.origin}/hook"

    def json_bodies(self) -> list[dict]:
        return [json.loads(r["body"]) for r in self.requests]


def assert_refused(response, status: int, code: str) -> dict:
    """``response`` is a refusal in Plaza's error shape: ``status``, ``{"code": code, "detail"}``
    and nothing else expected of it. Returns the body for further checks (``fields``, limits)."""
    body = response.json()
    assert (response.status_code, body.get("code")) == (status, code), body
    assert isinstance(body.get("detail"), str) and body["detail"], body
    return body


def _publish_marker(user) -> None:
    with transaction.atomic():
        event_publish(user_ids=[user.pk], type="test.marker", payload={})


async def assert_nothing_else_pushed(socket, user) -> dict:
    """Nothing was pushed to ``user``'s ``socket`` beyond what the test already read: a marker
    event committed now is the very next frame (one user's pushes arrive in publish order), so
    the check waits for an observable event instead of a timeout. Returns the marker."""
    await database_sync_to_async(_publish_marker)(user)
    frame = await socket.receive_json_from(timeout=5)
    assert frame["type"] == "test.marker", frame
    return frame


def join_team(owner, *, kind: str, team_id: int, user, role: str) -> None:
    """``owner`` invites ``user`` to the team through the API and ``user`` accepts: the only
    way a person becomes a member of a brand or organisation over HTTP."""
    sent = consumer_client(owner).post(
        f"/api/v1/teams/{kind}/{team_id}/invitations",
        {"username": user.username, "role": role},
        format="json",
    )
    assert sent.status_code == 201, sent.content
    accepted = consumer_client(user).post(f"/api/v1/invitations/{sent.json()['id']}/accept")
    assert accepted.status_code == 200, accepted.content
