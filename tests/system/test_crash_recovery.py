"""Crash and restart (issue 10): payment and messaging load against a real uvicorn process,
which is SIGKILLed mid-load and restarted; clients retry every unacknowledged request with the
same key. Afterwards the ledger verifies, no payment was applied twice, every acknowledged
message is stored, and each conversation's seqs run 1..N without a gap."""

import itertools
import os
from collections import Counter, defaultdict

import pytest
import redis
from django.conf import settings

from payments import selectors as payment_selectors
from payments.models import PayOrder, Transfer
from superapp.accounts.services import token_issue
from superapp.messaging.models import Message
from tests.payments.factories import PIN, merchant_app, pay_order, payer
from tests.superapp.messaging.factories import direct_chat
from tests.superapp.social.factories import befriend
from tests.system.load import Client, acked_count, run_clients
from tests.system.processes import Server, assert_ledger_verifies, free_port, wait_for

# real processes start in the first test of the module: allow more than the default 120 s
# Real servers on ports of this module's own; under xdist the module runs whole on one worker.
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(300),
    pytest.mark.servers,
]
CHAOS_PORT = free_port()
CHAOS_QUEUE = "plaza-proof-chaos"  # jobs the killed server schedules; no worker consumes them
USERS = 4
TRANSFERS_PER_USER = 8
MESSAGES_PER_USER = 8
ORDERS_PER_USER = 2
FUNDS = 50_000


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker, log_dir):
    process = Server(CHAOS_PORT, log_dir, CELERY_QUEUE=CHAOS_QUEUE).start()
    yield process
    process.stop()
    # the server's queue, suffixed under xdist like every queue (superapp/settings.py)
    queue = CHAOS_QUEUE + os.environ.get("PYTEST_XDIST_WORKER", "")
    redis.Redis.from_url(settings.REDIS_URL).delete(queue)


def build_world():
    """Users who are all contacts, funded, with a PIN; a direct chat per pair; pay orders."""
    users = [payer(balance=FUNDS) for _ in range(USERS)]
    befriend(*users)
    chats = {
        frozenset((a.pk, b.pk)): direct_chat(a, b)[0] for a, b in itertools.combinations(users, 2)
    }
    miniprogram, _ = merchant_app()
    clients = []
    for i, user in enumerate(users):
        client = Client(token_issue(user=user).access_token)
        client.user = user
        peers = [users[(i + k) % USERS] for k in range(1, USERS)]
        orders = [pay_order(miniprogram, user, 100 + i) for _ in range(ORDERS_PER_USER)]
        for n in range(max(TRANSFERS_PER_USER, MESSAGES_PER_USER)):
            peer = peers[n % len(peers)]
            if n < TRANSFERS_PER_USER:
                client.transfer(to=peer.username, amount=10 + n, pin=PIN)
            if n < MESSAGES_PER_USER:
                chat = chats[frozenset((user.pk, peer.pk))]
                client.message(conversation_id=chat.pk, text=f"{user.username} #{n}")
            if n < ORDERS_PER_USER:
                client.confirm(prepay_id=orders[n].prepay_id, pin=PIN)
        clients.append(client)
    return users, clients


def test_a_killed_server_loses_no_acknowledged_write_and_applies_none_twice(server):
    users, clients = build_world()
    total = sum(len(c.requests) for c in clients)

    threads, errors = run_clients(clients, server.url)
    assert wait_for(lambda: acked_count(clients) >= total // 3, timeout=60)
    server.kill()  # SIGKILL mid-load: requests in flight die with it
    acked_before_restart = acked_count(clients)
    server.restart()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert acked_count(clients) == total
    assert acked_before_restart < total, "the kill came after the load finished"
    retried = sum(1 for c in clients for r in c.requests if r.attempts > 1)
    print(
        f"chaos_requests={total} chaos_acked_before_kill={acked_before_restart} "
        f"chaos_retried={retried}"
    )

    assert_ledger_verifies()
    assert_each_payment_applied_once(users, clients)
    assert_every_acknowledged_message_stored_once(clients)


def assert_each_payment_applied_once(users, clients):
    by_username = {u.username: u for u in users}
    expected = {u.pk: FUNDS for u in users}
    transfer_ids = []
    for client in clients:
        for request in client.requests:
            if request.path.endswith("/transfers"):
                amount = request.body["amount"]
                expected[client.user.pk] -= amount
                expected[by_username[request.body["to"]].pk] += amount
                transfer_ids.append(request.acked["id"])
            elif request.path.endswith("/confirm"):
                assert request.acked["status"] == "paid"
                prepay_id = request.path.split("/")[-2]
                expected[client.user.pk] -= PayOrder.objects.get(prepay_id=prepay_id).amount
    assert Transfer.objects.count() == len(transfer_ids) == len(set(transfer_ids))
    assert PayOrder.objects.filter(status="paid").count() == USERS * ORDERS_PER_USER
    for user in users:
        balances = {
            b["currency"]: b["available"] for b in payment_selectors.wallet_balances(user=user)
        }
        assert balances["EUR"] == expected[user.pk], user.username


def assert_every_acknowledged_message_stored_once(clients):
    acked = {
        r.body["client_msg_id"]: r.acked["id"]
        for c in clients
        for r in c.requests
        if "client_msg_id" in r.body
    }
    stored = dict(
        Message.objects.filter(client_msg_id__isnull=False).values_list("client_msg_id", "id")
    )
    assert stored == acked
    seqs = defaultdict(list)
    for conversation_id, seq in Message.objects.values_list("conversation_id", "seq"):
        seqs[conversation_id].append(seq)
    for conversation_id, values in seqs.items():
        assert sorted(values) == list(range(1, len(values) + 1)), conversation_id
    assert not [k for k, n in Counter(acked.values()).items() if n > 1]
