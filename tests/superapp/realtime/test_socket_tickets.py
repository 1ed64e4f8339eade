"""Socket tickets: /ws/?ticket=T opens once, within its lifetime; ?token= keeps working."""

import json

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import override_settings

from superapp.asgi import application
from superapp.realtime.tickets import ticket_issue, ticket_redeem
from tests.factories import UserFactory
from tests.helpers import consumer_client

TICKETS = "/api/v1/realtime/tickets"


async def opens(query: str) -> bool:
    """Whether the socket serves the caller: a refusal is accepted, then closed with 4401
    (docs/security.md), so the first answer to a ping tells."""
    communicator = WebsocketCommunicator(application, f"/ws/?{query}")
    connected, _ = await communicator.connect(timeout=5)
    if not connected:
        return False
    await communicator.send_json_to({"type": "ping"})
    answer = await communicator.receive_output(timeout=5)
    if answer["type"] == "websocket.close":
        assert answer["code"] == 4401
        return False
    assert json.loads(answer["text"])["type"] == "pong"
    await communicator.disconnect()
    return True


@pytest.mark.django_db
def test_a_signed_in_user_gets_a_short_lived_ticket():
    response = consumer_client(UserFactory()).post(TICKETS)
    assert response.status_code == 201
    assert len(response.json()["ticket"]) >= 32
    assert response.json()["expires_in"] == 30
    assert response.json()["cursor"] == 0


@pytest.mark.django_db
def test_tickets_need_a_signed_in_user():
    from rest_framework.test import APIClient

    assert APIClient().post(TICKETS).status_code == 401


@pytest.mark.django_db
def test_a_ticket_is_redeemed_once_only():
    ticket = ticket_issue(access_token_id=7)
    assert ticket_redeem(ticket=ticket) == 7
    assert ticket_redeem(ticket=ticket) is None
    assert ticket_redeem(ticket="made-up") is None


@pytest.mark.django_db
@override_settings(WS_TICKET_TTL_SECONDS=0)
def test_an_expired_ticket_is_refused():
    # A zero timeout stores nothing (Django's cache semantics): the ticket is born expired.
    assert ticket_redeem(ticket=ticket_issue(access_token_id=7)) is None


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_the_socket_opens_with_a_ticket_once_and_still_with_a_token():
    user = await sync_to_async(UserFactory)()
    client = await sync_to_async(consumer_client)(user)
    ticket = (await sync_to_async(client.post)(TICKETS)).json()["ticket"]
    assert await opens(f"ticket={ticket}")
    assert not await opens(f"ticket={ticket}")
    assert not await opens("ticket=forged")
    assert await opens(f"token={client.access_token}")


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_a_ticket_socket_closes_when_its_access_token_is_revoked():
    user = await sync_to_async(UserFactory)()
    client = await sync_to_async(consumer_client)(user)
    ticket = (await sync_to_async(client.post)(TICKETS)).json()["ticket"]
    communicator = WebsocketCommunicator(application, f"/ws/?ticket={ticket}")
    connected, _ = await communicator.connect(timeout=5)
    assert connected

    await sync_to_async(client.post)("/api/v1/auth/logout")

    closed = await communicator.receive_output(timeout=5)
    assert (closed["type"], closed["code"]) == ("websocket.close", 4401)
