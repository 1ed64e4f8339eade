"""Services failing (issue 10): Redis stops under a running server — messages and payments
still commit; Redis comes back — sockets reconnect and sync delivers every missed event once."""

import asyncio
import json
import time

import pytest
import requests
import websockets

from payments.models import Transfer
from superapp.accounts.services import token_issue
from superapp.messaging.models import Message
from superapp.realtime.models import UserEvent
from tests.payments.factories import PIN, merchant_app, pay_order, payer
from tests.superapp.messaging.factories import direct_chat
from tests.system.processes import RedisServer, Server, bearer, free_port

# real processes start in the first test of the module: allow more than the default 120 s
# Real servers on ports of this module's own; under xdist the module runs whole on one worker.
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(300),
    pytest.mark.servers,
]
SERVER_PORT = free_port()
REDIS_PORT = free_port()


@pytest.fixture(scope="module")
def own_redis(log_dir):
    redis_server = RedisServer(REDIS_PORT, log_dir).start()
    yield redis_server
    redis_server.kill()


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker, log_dir, own_redis):
    """A server whose cache, channel layer and Celery broker are all the Redis we control."""
    process = Server(SERVER_PORT, log_dir, REDIS_URL=own_redis.url).start()
    yield process
    process.stop()


async def receive_until(socket, done, timeout: float = 10.0) -> list[dict]:
    events = []
    while not done(events):
        events.append(json.loads(await asyncio.wait_for(socket.recv(), timeout=timeout)))
    return events


async def connect_with_retry(url: str, timeout: float = 30.0):
    """What a client does after losing its socket: reconnect with a short backoff."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket = await websockets.connect(url)
            await socket.send(json.dumps({"type": "ping"}))
            await receive_until(socket, lambda events: events and events[-1]["type"] == "pong")
            return socket
        except (TimeoutError, OSError, websockets.WebSocketException):
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.3)


def post(server, path, token, body, **headers):
    started = time.monotonic()
    response = requests.post(
        f"{server.url}{path}", json=body, headers={**bearer(token), **headers}, timeout=30
    )
    return response, time.monotonic() - started


def test_with_redis_down_writes_commit_and_sync_delivers_them_once_it_is_back(server, own_redis):
    conversation, bob, alice = direct_chat(a=payer(balance=10_000))
    bob_token, alice_token = (token_issue(user=u).access_token for u in (bob, alice))
    merchant, _ = merchant_app()
    order = pay_order(merchant, bob, 700)
    url = f"{server.ws_url}?token={bob_token}"
    messages_path = f"/api/v1/conversations/{conversation.pk}/messages"

    async def scenario():
        socket = await connect_with_retry(url)
        first, _ = await asyncio.to_thread(
            post, server, messages_path, alice_token, {"type": "text", "text": "before"}
        )
        assert first.status_code == 201
        [live] = await receive_until(socket, lambda events: events)
        cursor = live["cursor"]

        own_redis.kill()
        answers = []
        for n in range(3):
            answers.append(
                await asyncio.to_thread(
                    post,
                    server,
                    messages_path,
                    alice_token,
                    {"type": "text", "text": f"during outage {n}", "client_msg_id": f"o{n}"},
                )
            )
        answers.append(
            await asyncio.to_thread(
                post,
                server,
                "/api/v1/wallet/transfers",
                bob_token,
                {"to": alice.username, "amount": 150, "currency": "EUR", "pin": PIN},
                **{"Idempotency-Key": "outage-transfer"},
            )
        )
        answers.append(
            await asyncio.to_thread(
                post,
                server,
                f"/api/v1/pay/orders/{order.prepay_id}/confirm",
                bob_token,
                {"pin": PIN},
            )
        )
        own_redis.start()

        await socket.close()  # a client whose socket broke, or that sees its pushes stall
        socket = await connect_with_retry(url)
        await socket.send(json.dumps({"type": "sync", "cursor": cursor}))
        missed = UserEvent.objects.filter(user=bob, cursor__gt=cursor).count
        expected = await asyncio.to_thread(missed)
        synced = await receive_until(socket, lambda events: len(events) == expected)
        await socket.close()
        return answers, cursor, synced

    answers, cursor, synced = asyncio.run(scenario())
    for response, seconds in answers:
        assert 200 <= response.status_code < 300, response.text
        assert seconds < 5, f"{response.request.url} took {seconds:.1f} s with Redis down"
    assert [e["cursor"] for e in synced] == list(range(cursor + 1, cursor + 1 + len(synced)))
    synced_texts = [e["message"]["text"] for e in synced if e["type"] == "message.created"]
    assert synced_texts == [f"during outage {n}" for n in range(3)]
    assert Transfer.objects.get(sender=bob, recipient=alice).amount == 150
    assert Message.objects.filter(conversation=conversation).count() == 4
    order.refresh_from_db()
    assert order.status == "paid"
