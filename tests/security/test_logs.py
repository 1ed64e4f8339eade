"""Issue 22, item 5: tokens never reach a log, uvicorn's included (a real server at log level
info, its access log on, a socket and a request carrying tokens in their query strings)."""

import asyncio

import pytest
import requests
import websockets

from superapp.accounts.services import token_issue
from tests.factories import UserFactory
from tests.system.processes import Server, free_port, wait_for

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(120),
    pytest.mark.servers,
]


@pytest.fixture(scope="module")
def chatty_server(django_db_setup, django_db_blocker, tmp_path_factory):
    server = Server(free_port(), tmp_path_factory.mktemp("logs"), log_level="info")
    server.env["LOG_LEVEL"] = "DEBUG"
    yield server.start()
    server.stop()


def test_socket_and_query_tokens_never_reach_the_server_logs(chatty_server):
    token = token_issue(user=UserFactory()).access_token

    async def open_socket():
        async with websockets.connect(f"{chatty_server.ws_url}?token={token}") as socket:
            await socket.send('{"type": "ping"}')
            await asyncio.wait_for(socket.recv(), timeout=10)

    asyncio.run(open_socket())
    requests.get(f"{chatty_server.url}/healthz?ticket={token}&token={token}", timeout=10)
    assert wait_for(lambda: "/healthz" in chatty_server.log.read_text(), timeout=10)
    logged = chatty_server.log.read_text()
    assert "WebSocket /ws/" in logged, "the socket was not logged: the check proves nothing"
    assert token not in logged
    assert "token=[redacted]" in logged
