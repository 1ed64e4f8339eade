"""Plaza as several processes: two uvicorn servers, one Celery worker with beat (issue 10,
"Several processes"). Pushes cross processes through the Redis channel layer, and background
jobs run in the worker because eager mode is off in the servers."""

import asyncio
import json

import pytest
import requests
import websockets

from miniprograms import selectors as miniprogram_selectors
from superapp.accounts.services import token_issue
from superapp.webhooks import signing
from superapp.webhooks.models import WebhookAttempt, WebhookDelivery
from tests.helpers import Receiver
from tests.payments.factories import PIN, merchant_app, pay_order, payer
from tests.superapp.messaging.factories import direct_chat
from tests.system.processes import bearer, wait_for

# real processes start in the first test of the module: allow more than the default 120 s
# Real servers on fixed ports: `make test` runs these serially, after the parallel part.
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(300),
    pytest.mark.servers,
]


async def first_event_of_type(ws_url: str, token: str, event_type: str, action) -> dict:
    """Open a socket, run ``action`` (in a thread) once connected, return the first event of
    ``event_type`` the socket receives."""
    async with websockets.connect(f"{ws_url}?token={token}") as socket:
        await asyncio.to_thread(action)
        while True:
            event = json.loads(await asyncio.wait_for(socket.recv(), timeout=10))
            if event.get("type") == event_type:
                return event


def test_a_socket_on_process_a_receives_a_message_posted_through_process_b(services):
    server_a, server_b = services.servers
    conversation, reader, writer = direct_chat()
    reader_token = token_issue(user=reader).access_token
    writer_token = token_issue(user=writer).access_token

    def post_through_b():
        response = requests.post(
            f"{server_b.url}/api/v1/conversations/{conversation.pk}/messages",
            json={"type": "text", "text": "across processes", "client_msg_id": "x-1"},
            headers=bearer(writer_token),
            timeout=10,
        )
        assert response.status_code == 201, response.text

    event = asyncio.run(
        first_event_of_type(server_a.ws_url, reader_token, "message.created", post_through_b)
    )
    assert event["message"]["text"] == "across processes"
    assert event["message"]["conversation_id"] == conversation.pk


def test_the_pay_order_notification_is_delivered_by_the_worker(services):
    """The payer confirms over HTTP on process B; the signed merchant webhook leaves through the
    outbox and the Celery worker (the servers never run tasks eagerly)."""
    _, server_b = services.servers
    miniprogram, _ = merchant_app()
    buyer = payer(balance=5000)
    with Receiver() as merchant_server:
        order = pay_order(miniprogram, buyer, 1200, notify_url=merchant_server.url)
        confirmed = requests.post(
            f"{server_b.url}/api/v1/pay/orders/{order.prepay_id}/confirm",
            json={"pin": PIN},
            headers=bearer(token_issue(user=buyer).access_token),
            timeout=10,
        )
        assert confirmed.status_code == 200, confirmed.text
        assert wait_for(lambda: len(merchant_server.requests) == 1, timeout=20)
    notification = merchant_server.json_bodies()[0]
    assert notification["data"]["prepay_id"] == order.prepay_id
    assert notification["data"]["status"] == "paid"
    delivery = WebhookDelivery.objects.get(owner=miniprogram_selectors.webhook_owner(miniprogram))
    assert delivery.status == "delivered"
    headers = merchant_server.requests[0]["headers"]
    signing.verify(
        delivery.secret,
        headers["Plaza-Signature"],
        merchant_server.requests[0]["body"],
        tolerance=300,
    )


RECEIVER_PORT = 8831


def test_a_receiver_that_was_down_gets_every_delivery_once_it_recovers(services):
    """Deliveries to a closed port stay pending with their failed attempts logged; once the
    receiver listens, beat's sweep (``webhooks.dispatch_due``) delivers every one of them."""
    _, server_b = services.servers
    miniprogram, _ = merchant_app()
    buyer = payer(balance=5000)
    buyer_token = token_issue(user=buyer).access_token
    notify_url = f"http://127.0.0.1:{RECEIVER_PORT}/hook"
    orders = [pay_order(miniprogram, buyer, 100 + n, notify_url=notify_url) for n in range(3)]
    for order in orders:
        confirmed = requests.post(
            f"{server_b.url}/api/v1/pay/orders/{order.prepay_id}/confirm",
            json={"pin": PIN},
            headers=bearer(buyer_token),
            timeout=10,
        )
        assert confirmed.status_code == 200, confirmed.text
    deliveries = WebhookDelivery.objects.filter(url=notify_url)
    assert wait_for(
        lambda: WebhookAttempt.objects.filter(delivery__in=deliveries).count() >= 3, timeout=20
    )
    assert set(deliveries.values_list("status", flat=True)) == {"pending"}

    with Receiver(port=RECEIVER_PORT) as merchant_server:
        assert wait_for(
            lambda: set(deliveries.values_list("status", flat=True)) == {"delivered"},
            timeout=30,
        )
    received = {r["headers"]["Plaza-Delivery"] for r in merchant_server.requests}
    assert received == {str(d.event_id) for d in deliveries}
    assert {b["data"]["prepay_id"] for b in merchant_server.json_bodies()} == {
        o.prepay_id for o in orders
    }
