"""Issue 22, items 4 and 17: a /ws/ socket lives no longer than its token; odd frames and
refusals get the documented answers."""

from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import transaction
from django.utils import timezone
from oauth2_provider.models import AccessToken
from rest_framework.test import APIClient

from superapp.accounts.models import User
from superapp.asgi import application
from superapp.realtime.services import event_publish
from tests.factories import UserFactory
from tests.helpers import consumer_client

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def open_socket(token: str) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(application, f"/ws/?token={token}")
    connected, _ = await communicator.connect(timeout=5)
    assert connected
    return communicator


async def signed_in_socket():
    user = await sync_to_async(UserFactory)()
    client = await sync_to_async(consumer_client)(user)
    return user, client, await open_socket(client.access_token)


async def assert_closed_4401(communicator) -> None:
    message = await communicator.receive_output(timeout=5)
    assert message == {"type": "websocket.close", "code": 4401}


async def test_logout_closes_the_open_socket_within_seconds():
    _user, client, communicator = await signed_in_socket()
    assert (await sync_to_async(client.post)("/api/v1/auth/logout")).status_code == 204
    await assert_closed_4401(communicator)


async def test_a_refresh_revokes_the_old_token_and_closes_its_socket():
    _user, client, communicator = await signed_in_socket()

    def refresh():
        return APIClient().post(
            "/api/v1/auth/refresh", {"refresh_token": client.refresh_token}, format="json"
        )

    assert (await sync_to_async(refresh)()).status_code == 200
    await assert_closed_4401(communicator)


async def test_an_expiring_token_closes_its_socket_when_it_expires():
    user = await sync_to_async(UserFactory)()
    client = await sync_to_async(consumer_client)(user)

    def expire_soon():
        AccessToken.objects.filter(user=user).update(expires=timezone.now() + timedelta(seconds=1))

    await sync_to_async(expire_soon)()
    communicator = await open_socket(client.access_token)
    await assert_closed_4401(communicator)


async def test_sync_checks_the_token_again():
    user, _client, communicator = await signed_in_socket()

    def deactivate_and_publish():
        User.objects.filter(pk=user.pk).update(is_active=False)
        with transaction.atomic():
            event_publish(user_ids=[user.pk], type="test.private", payload={"secret": 1})

    await sync_to_async(deactivate_and_publish)()
    await communicator.receive_json_from(timeout=5)  # the push that raced the deactivation
    await communicator.send_json_to({"type": "sync", "cursor": 0})
    await assert_closed_4401(communicator)


async def test_refusals_use_the_close_code_not_an_http_403():
    """A close sent before the handshake is accepted reaches the client as HTTP 403 (what
    servers do with it); accepted first, the client gets 4401."""
    communicator = WebsocketCommunicator(application, "/ws/?token=not-a-token")
    connected, _ = await communicator.connect(timeout=5)
    assert connected
    await assert_closed_4401(communicator)


@pytest.mark.parametrize(
    "frame, code",
    [
        ({"bytes_data": b"\x00\xff"}, "unsupported_frame"),
        ({"text_data": "{not json"}, "invalid_json"),
    ],
)
async def test_binary_and_non_json_frames_get_an_error_and_the_socket_stays_open(frame, code):
    _, _, communicator = await signed_in_socket()
    await communicator.send_to(**frame)
    assert await communicator.receive_json_from(timeout=5) == {"type": "error", "code": code}
    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_json_from(timeout=5) == {"type": "pong"}
    await communicator.disconnect()
