"""The WebSocket at /ws/?token= on the Redis channel layer: auth, pushes after commit, sync."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import transaction

from superapp.asgi import application
from superapp.realtime.services import event_publish
from tests.factories import UserFactory
from tests.helpers import consumer_client

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


def publish_committed(user, payload):
    with transaction.atomic():
        event_publish(user_ids=[user.pk], type="test.event", payload=payload)


async def connect(token: str) -> tuple[WebsocketCommunicator, bool]:
    communicator = WebsocketCommunicator(application, f"/ws/?token={token}")
    connected, _ = await communicator.connect(timeout=5)
    return communicator, connected


async def test_socket_without_a_valid_token_is_refused():
    """Accepted, then closed with 4401 (a close before accepting reaches clients as HTTP 403)."""
    for token in ["", "not-a-token"]:
        communicator, _ = await connect(token)
        closed = await communicator.receive_output(timeout=5)
        assert closed == {"type": "websocket.close", "code": 4401}


async def test_committed_event_is_pushed_with_its_cursor():
    user = await sync_to_async(UserFactory)()
    client = await sync_to_async(consumer_client)(user)
    communicator, connected = await connect(client.access_token)
    assert connected
    await sync_to_async(publish_committed)(user, {"hello": "world"})
    event = await communicator.receive_json_from(timeout=5)
    assert (event["type"], event["cursor"], event["hello"]) == ("test.event", 1, "world")
    await communicator.disconnect()


async def test_rolled_back_event_is_never_pushed():
    user = await sync_to_async(UserFactory)()
    client = await sync_to_async(consumer_client)(user)
    communicator, _ = await connect(client.access_token)

    def publish_then_fail():
        with pytest.raises(ValueError), transaction.atomic():
            event_publish(user_ids=[user.pk], type="test.event", payload={})
            raise ValueError

    await sync_to_async(publish_then_fail)()
    assert await communicator.receive_nothing(timeout=0.5)
    await communicator.disconnect()


async def test_a_reconnecting_client_catches_up_over_the_socket():
    user = await sync_to_async(UserFactory)()
    client = await sync_to_async(consumer_client)(user)
    for n in range(3):
        await sync_to_async(publish_committed)(user, {"n": n})
    communicator, _ = await connect(client.access_token)
    await communicator.send_json_to({"type": "sync", "cursor": 1})
    missed = [await communicator.receive_json_from(timeout=5) for _ in range(2)]
    assert [(e["cursor"], e["n"]) for e in missed] == [(2, 1), (3, 2)]
    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_json_from(timeout=5) == {"type": "pong"}
    await communicator.disconnect()
