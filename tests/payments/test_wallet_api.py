"""Wallet API: balances, PIN, transfers with Idempotency-Key, statement, limits."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from payments import selectors, services
from payments.models import JournalTransaction, Transfer
from tests.factories import UserFactory
from tests.helpers import assert_queries_constant, assert_refused, consumer_client
from tests.payments.factories import PIN, fund, payer
from tests.superapp.social.factories import befriend, block

pytestmark = pytest.mark.django_db

TRANSFERS = "/api/v1/wallet/transfers"


def balance(user, currency="EUR") -> int:
    rows = {b["currency"]: b["available"] for b in selectors.wallet_balances(user=user)}
    return rows.get(currency, 0)


def send(client, to, amount=1000, pin=PIN, key=None, **extra):
    body = {"to": to.username, "amount": amount, "currency": "EUR", "pin": pin, **extra}
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(TRANSFERS, body, format="json", **headers)


def test_wallet_lists_balances_per_currency():
    user = payer(2500)
    fund(user, 700, "USD")
    response = consumer_client(user).get("/api/v1/wallet")
    assert response.status_code == 200
    assert response.json()["balances"] == [
        {"currency": "EUR", "available": 2500},
        {"currency": "USD", "available": 700},
    ]


def test_pin_is_six_digits_stored_hashed_and_changing_it_needs_the_old_one(api, user):
    assert api.post("/api/v1/wallet/pin", {"pin": "12345"}).json()["fields"]["pin"]
    assert api.post("/api/v1/wallet/pin", {"pin": "abcdef"}).status_code == 400
    assert api.post("/api/v1/wallet/pin", {"pin": "246810"}).status_code == 200
    assert "246810" not in user.wallet_security.pin_hash
    missing_old = api.post("/api/v1/wallet/pin", {"pin": "135790"})
    assert missing_old.json()["fields"]["old_pin"]
    wrong_old = api.post("/api/v1/wallet/pin", {"pin": "135790", "old_pin": "000000"})
    assert wrong_old.json()["code"] == "invalid_pin"
    changed = api.post("/api/v1/wallet/pin", {"pin": "135790", "old_pin": "246810"})
    assert changed.status_code == 200


def test_transfer_moves_money_and_both_statements_show_it_newest_first():
    alice, bob = payer(5000), payer()
    befriend(alice, bob)
    client = consumer_client(alice)
    response = send(client, bob, amount=1200, note="dinner")
    assert response.status_code == 201, response.json()
    assert response.json()["to"] == bob.username
    assert (balance(alice), balance(bob)) == (3800, 1200)

    statement = client.get("/api/v1/wallet/transactions").json()["results"]
    assert [(e["type"], e["amount"]) for e in statement] == [("transfer", -1200), ("topup", 5000)]
    assert statement[0]["counterparty"] == bob.username
    assert statement[0]["note"] == "dinner"
    received = consumer_client(bob).get("/api/v1/wallet/transactions").json()["results"]
    assert [(e["amount"], e["counterparty"]) for e in received] == [(1200, alice.username)]


def test_statement_is_paginated_without_n_plus_one():
    alice, bob = payer(100_000), payer()
    befriend(alice, bob)
    client = consumer_client(alice)

    def build(count):
        for _ in range(count):
            services.transfer_create(actor=alice, recipient=bob, amount=10, currency="EUR", pin=PIN)

    assert_queries_constant(build, lambda: client.get("/api/v1/wallet/transactions"))
    first = client.get("/api/v1/wallet/transactions?limit=3").json()
    assert len(first["results"]) == 3
    second = client.get(first["next"]).json()
    assert first["results"][-1]["id"] > second["results"][0]["id"]


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"amount": 6000}, 422, "insufficient_funds"),
        ({"amount": 0}, 400, "validation_error"),
        ({"amount": 1.5}, 400, "validation_error"),
        ({"currency": "XXX"}, 400, "validation_error"),
        ({"pin": "000000"}, 422, "invalid_pin"),
        ({"to": "nobody-here"}, 404, "user_not_found"),
    ],
)
def test_refused_transfers_have_a_code_and_move_nothing(change, status, code):
    alice, bob = payer(5000), payer()
    befriend(alice, bob)
    body = {"to": bob.username, "amount": 1000, "currency": "EUR", "pin": PIN, **change}
    response = consumer_client(alice).post(TRANSFERS, body, format="json")
    assert_refused(response, status, code)
    assert (balance(alice), balance(bob)) == (5000, 0)
    assert not Transfer.objects.exists()


def test_a_transfer_to_someone_who_is_not_a_contact_is_refused_and_moves_nothing():
    alice, stranger = payer(5000), payer()
    response = send(consumer_client(alice), stranger)
    assert_refused(response, 422, "not_a_contact")
    assert (balance(alice), balance(stranger)) == (5000, 0)
    assert not Transfer.objects.exists()
    assert not JournalTransaction.objects.filter(type="transfer").exists()


@pytest.mark.parametrize("blocker", ["sender", "recipient"])
def test_a_block_in_either_direction_refuses_a_transfer_like_a_stranger(blocker):
    """Blocking ends the friendship; the answer is the stranger's one, so the blocked user
    learns nothing about the block."""
    alice, bob = payer(5000), payer()
    befriend(alice, bob)
    block(*((alice, bob) if blocker == "sender" else (bob, alice)))
    befriend(alice, bob)  # even a stale contact row left beside a block must not let money through
    response = send(consumer_client(alice), bob)
    assert_refused(response, 422, "not_a_contact")
    assert (balance(alice), balance(bob)) == (5000, 0)
    assert not Transfer.objects.exists()


def test_sending_to_yourself_is_refused():
    alice = payer(5000)
    response = send(consumer_client(alice), alice)
    assert_refused(response, 422, "cannot_pay_self")


def test_a_transfer_without_a_pin_set_is_refused():
    alice, bob = UserFactory(), payer()
    befriend(alice, bob)
    fund(alice, 5000)
    assert send(consumer_client(alice), bob).json()["code"] == "pin_not_set"


def test_five_wrong_pins_lock_payments_for_fifteen_minutes(settings):
    alice, bob = payer(5000), payer()
    befriend(alice, bob)
    client = consumer_client(alice)
    codes = [send(client, bob, pin="999999").json()["code"] for _ in range(5)]
    assert codes == ["invalid_pin"] * 4 + ["pin_locked"]
    locked = send(client, bob, pin=PIN)
    body = locked.json()
    assert (locked.status_code, body["code"]) == (429, "pin_locked")
    unlocks = datetime.fromisoformat(body["locked_until"])
    assert timedelta(minutes=14) < unlocks - timezone.now() <= timedelta(minutes=15)
    assert body["locked_until"] in body["detail"]
    assert 14 * 60 < int(locked.headers["Retry-After"]) == body["retry_after"] <= 15 * 60
    assert balance(alice) == 5000


def test_pin_attempts_are_rate_limited_per_user_right_or_wrong(settings):
    settings.PAYMENTS_PIN_ATTEMPTS_PER_MINUTE = 3
    alice, bob, carol = payer(5000), payer(5000), payer()
    befriend(alice, carol)
    befriend(bob, carol)
    client = consumer_client(alice)
    answers = [send(client, carol, amount=10, pin=pin) for pin in (PIN, "999999", PIN, PIN)]
    assert [r.status_code for r in answers] == [201, 422, 201, 429]
    assert answers[-1].json()["code"] == "rate_limited"
    assert int(answers[-1].headers["Retry-After"]) == 60
    assert balance(alice) == 5000 - 20
    assert send(consumer_client(bob), carol, amount=10).status_code == 201  # per user


def test_an_attempt_refused_before_its_pin_is_checked_is_no_wrong_guess(settings):
    """Past the minute's attempts nothing is checked, so nothing counts towards the lock: the
    guess each attempt takes up front is given back."""
    settings.PAYMENTS_PIN_ATTEMPTS_PER_MINUTE = 2
    alice, bob = payer(5000), payer()
    befriend(alice, bob)
    client = consumer_client(alice)
    codes = [send(client, bob, pin="999999").json()["code"] for _ in range(8)]
    assert codes == ["invalid_pin"] * 2 + ["rate_limited"] * 6
    settings.PAYMENTS_PIN_ATTEMPTS_PER_MINUTE = 10  # as if the minute had passed
    assert send(client, bob, pin="999999").json()["attempts_left"] == 2


def test_a_correct_pin_resets_the_failure_count():
    alice, bob = payer(5000), payer()
    befriend(alice, bob)
    client = consumer_client(alice)
    for _ in range(4):
        send(client, bob, pin="999999")
    assert send(client, bob, pin=PIN).status_code == 201
    assert send(client, bob, pin="999999").json()["attempts_left"] == 4


def test_daily_outgoing_limit_counts_everything_spent_today(settings):
    settings.PAYMENTS_DAILY_OUTGOING_LIMIT = 3000
    alice, bob = payer(10_000), payer()
    befriend(alice, bob)
    client = consumer_client(alice)
    assert send(client, bob, amount=2000).status_code == 201
    refused = send(client, bob, amount=1001)
    assert_refused(refused, 422, "daily_limit_exceeded")
    assert refused.json()["spent_today"] == 2000
    assert send(client, bob, amount=1000).status_code == 201
    assert balance(alice) == 7000


def test_same_idempotency_key_replays_the_first_answer_and_moves_money_once():
    alice, bob = payer(5000), payer()
    befriend(alice, bob)
    client = consumer_client(alice)
    first = send(client, bob, amount=1000, key="k-1")
    again = send(client, bob, amount=1000, key="k-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert balance(bob) == 1000
    assert JournalTransaction.objects.filter(type="transfer").count() == 1
    other_body = send(client, bob, amount=999, key="k-1")
    assert_refused(other_body, 409, "idempotency_key_reused")


def test_wallet_endpoints_need_a_consumer_token():
    assert APIClient().get("/api/v1/wallet").status_code == 401
