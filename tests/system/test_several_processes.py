"""Plaza as several processes: two uvicorn servers, one Celery worker with beat (issue 10,
"Several processes"). Pushes cross processes through the Redis channel layer, and background
jobs run in the worker because eager mode is off in the servers."""

import asyncio
import json
from datetime import timedelta

import pytest
import requests
import websockets
from celery.exceptions import AlwaysEagerIgnored
from django.conf import settings
from django.utils import timezone

from miniprograms import selectors as miniprogram_selectors
from payments import selectors as payment_selectors
from redpackets.models import RedPacket
from superapp.accounts.services import token_issue
from superapp.celery import app as celery_app
from superapp.core import signing
from superapp.webhooks.models import WebhookAttempt, WebhookDelivery
from tests.helpers import Receiver
from tests.payments.factories import PIN, merchant_app, pay_order, payer
from tests.redpackets.factories import red_packet_group
from tests.superapp.messaging.factories import direct_chat
from tests.system.processes import assert_ledger_verifies, bearer, free_port, wait_for

# real processes start in the first test of the module: allow more than the default 120 s
# Real servers on ports of this module's own; under xdist the module runs whole on one worker.
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


RECEIVER_PORT = free_port()


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


def test_an_expired_red_packet_is_returned_to_its_sender_by_the_worker(services):
    """A red packet created over HTTP is made due; the expiry job (what beat schedules every
    minute) is sent by name to the worker's queue. ``send_task`` only publishes to the broker —
    it never runs a task in the calling process, eager or not (this test process is eager, and
    Celery warns that it ignored that) — so only the Celery worker can return the money."""
    server_a, _ = services.servers
    group, sender, _ = red_packet_group(balance=10_000)
    created = requests.post(
        f"{server_a.url}/api/v1/red-packets",
        json={
            "conversation": group.pk,
            "mode": "fixed",
            "amount_each": 300,
            "count": 2,
            "currency": "EUR",
            "pin": PIN,
        },
        headers=bearer(token_issue(user=sender).access_token),
        timeout=10,
    )
    assert created.status_code == 201, created.text
    assert wallet_balance(sender) == 10_000 - 600
    due = RedPacket.objects.filter(pk=created.json()["id"])
    due.update(expires_at=timezone.now() - timedelta(seconds=1))  # committed: autocommit

    assert settings.CELERY_TASK_ALWAYS_EAGER  # in this process, yet Celery itself says:
    with pytest.warns(AlwaysEagerIgnored):
        celery_app.send_task(
            "redpackets.expire_red_packets", queue=settings.CELERY_TASK_DEFAULT_QUEUE
        )
    assert wait_for(lambda: due.get().status == RedPacket.Status.EXPIRED, timeout=30)
    assert due.get().refunded_amount == 600
    assert wallet_balance(sender) == 10_000
    assert_ledger_verifies()


def wallet_balance(user, currency="EUR") -> int:
    rows = {b["currency"]: b["available"] for b in payment_selectors.wallet_balances(user=user)}
    return rows.get(currency, 0)
