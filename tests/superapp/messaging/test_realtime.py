"""The real WebSocket consumer on the Redis channel layer: a client that loses its socket
mid-burst, reconnects and syncs ends with exactly the messages sent, in order, once."""

import asyncio
import os
import sys
from pathlib import Path

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.db import connection

from superapp.accounts.services import token_issue
from superapp.asgi import application
from superapp.messaging import services
from tests.helpers import assert_nothing_else_pushed, consumer_client
from tests.superapp.messaging.factories import direct_chat

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_channel_layer_is_redis():
    backend = settings.CHANNEL_LAYERS["default"]["BACKEND"]
    assert backend == "superapp.realtime.layers.PlazaChannelLayer"


async def connect(user) -> WebsocketCommunicator:
    token = (await database_sync_to_async(token_issue)(user=user)).access_token
    socket = WebsocketCommunicator(application, f"/ws/?token={token}")
    connected, _ = await socket.connect()
    assert connected
    return socket


async def send_texts(conversation, sender, texts):
    for text in texts:
        await database_sync_to_async(services.message_send)(
            actor=sender, conversation_id=conversation.pk, type="text", text=text
        )


async def receive_messages(socket, count, received):
    """Read ``count`` message events into ``received``; returns the last event cursor."""
    cursor = None
    for _ in range(count):
        event = await socket.receive_json_from(timeout=5)
        assert event["type"] == "message.created"
        received.append(event["message"]["text"])
        cursor = event["cursor"]
    return cursor


def test_a_socket_receives_messages_after_commit():
    chat, alice, bob = direct_chat()

    async def scenario():
        socket = await connect(bob)
        await send_texts(chat, alice, ["hi", "there"])
        received = []
        await receive_messages(socket, 2, received)
        assert received == ["hi", "there"]
        await assert_nothing_else_pushed(socket, bob)
        await socket.disconnect()

    async_to_sync(scenario)()


def test_reconnect_and_sync_ends_with_exactly_the_messages_sent():
    chat, alice, bob = direct_chat()
    texts = [f"m{i}" for i in range(30)]

    async def scenario():
        received: list[str] = []
        socket = await connect(bob)
        await send_texts(chat, alice, texts[:10])
        cursor = await receive_messages(socket, 4, received)
        await socket.disconnect()  # the socket drops with six pushes still in flight

        await send_texts(chat, alice, texts[10:20])  # sent while bob is offline

        socket = await connect(bob)
        await socket.send_json_to({"type": "sync", "cursor": cursor})
        await receive_messages(socket, 16, received)
        await send_texts(chat, alice, texts[20:])  # live again
        await receive_messages(socket, 10, received)
        last_cursor = (await assert_nothing_else_pushed(socket, bob))["cursor"]
        await socket.disconnect()
        assert received == texts  # over the sockets: no gap, no duplicate, in order
        return last_cursor

    last_cursor = async_to_sync(scenario)()

    # nothing lost, nothing twice; and the HTTP sync from zero agrees
    sync = consumer_client(bob).get("/api/v1/sync", {"cursor": 0, "limit": 500}).json()
    messages = [e["message"] for e in sync["events"] if e["type"] == "message.created"]
    assert [m["text"] for m in messages] == texts
    assert [m["seq"] for m in messages] == list(range(1, 31))
    assert sync["cursor"] == last_cursor


def test_sync_from_a_day_old_cursor_returns_everything_once_in_pages():
    chat, alice, bob = direct_chat()
    client = consumer_client(bob)
    start = client.get("/api/v1/sync", {"cursor": 0}).json()["cursor"]
    for i in range(25):
        services.message_send(actor=alice, conversation_id=chat.pk, type="text", text=f"n{i}")
    services.conversation_read(actor=alice, conversation_id=chat.pk, seq=25)
    seen, cursor, more = [], start, True
    while more:
        page = client.get("/api/v1/sync", {"cursor": cursor, "limit": 7}).json()
        seen += page["events"]
        cursor, more = page["cursor"], page["has_more"]
    assert [e["message"]["seq"] for e in seen if e["type"] == "message.created"] == list(
        range(1, 26)
    )
    assert [e["type"] for e in seen][-1] == "conversation.read"
    assert len({e["cursor"] for e in seen}) == len(seen)


def test_two_sockets_of_one_user_both_receive():
    chat, alice, bob = direct_chat()

    async def scenario():
        phone, laptop = await connect(bob), await connect(bob)
        await send_texts(chat, alice, ["ping"])
        for socket in (phone, laptop):
            event = await socket.receive_json_from(timeout=5)
            assert event["message"]["text"] == "ping"
            await socket.disconnect()

    async_to_sync(scenario)()


SEND_FROM_ANOTHER_PROCESS = """
import django
django.setup()
from superapp.accounts.models import User
from superapp.messaging import services
services.message_send(
    actor=User.objects.get(pk={sender}), conversation_id={conversation}, type="text", text="far"
)
"""


def test_a_socket_receives_what_another_process_posted():
    """Process B (a separate Python process) sends; this process's socket gets the push
    through the Redis channel layer."""
    chat, alice, bob = direct_chat()
    db = connection.settings_dict  # the test database this process uses
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    url = f"postgres://{credentials}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    code = SEND_FROM_ANOTHER_PROCESS.format(sender=alice.pk, conversation=chat.pk)

    async def scenario():
        socket = await connect(bob)
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            code,
            cwd=Path(settings.BASE_DIR),
            env={**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "superapp.settings"},
        )
        assert await process.wait() == 0
        event = await socket.receive_json_from(timeout=10)
        assert (event["type"], event["message"]["text"]) == ("message.created", "far")
        await socket.disconnect()

    async_to_sync(scenario)()
