"""Real concurrency on PostgreSQL: threads with their own connections race for the same rows."""

from collections import Counter

import pytest
from django.conf import settings

from payments import selectors, services
from payments.gateways import SIGNATURE_HEADER
from superapp.core.errors import DomainError
from tests.factories import UserFactory
from tests.helpers import consumer_client, run_together
from tests.payments.factories import (
    PIN,
    merchant_app,
    pay_order,
    payer,
    sandbox_set,
    signed_callback,
)
from tests.superapp.social.factories import befriend

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.embedded]


def outcome(result) -> str:
    return result.code if isinstance(result, DomainError) else type(result).__name__


def wallet(user) -> int:
    return sum(b["available"] for b in selectors.wallet_balances(user=user))


def test_parallel_spends_from_one_wallet_never_overdraw(settings):
    # Twelve right PINs at once each take a guess before any of them resets the count
    # (wallet_pin.pin_verify), so past five a right PIN can meet pin_locked: the PIN limit is
    # tested on its own (test_pins.py); here every spend must reach the money.
    settings.PAYMENTS_PIN_MAX_FAILURES = 12
    spender = payer(5000)
    recipients = [UserFactory() for _ in range(8)]
    befriend(spender, *recipients)
    merchant = merchant_app()[0]
    orders = [pay_order(merchant, spender, 1000) for _ in range(4)]

    def transfer(recipient):
        return lambda: services.transfer_create(
            actor=spender, recipient=recipient, amount=1000, currency="EUR", pin=PIN
        )

    def pay(order):
        return lambda: services.payorder_confirm(actor=spender, prepay_id=order.prepay_id, pin=PIN)

    results = run_together([transfer(r) for r in recipients] + [pay(o) for o in orders])
    counts = Counter(outcome(r) for r in results)
    assert counts["insufficient_funds"] == 7, counts
    assert len(results) - counts["insufficient_funds"] == 5
    assert wallet(spender) == 0
    assert selectors.ledger_report().ok


def test_the_same_idempotency_key_sent_concurrently_moves_money_once():
    sender, recipient = payer(10_000), UserFactory()
    befriend(sender, recipient)
    client_token = consumer_client(sender).access_token
    body = {"to": recipient.username, "amount": 700, "currency": "EUR", "pin": PIN}

    def send():
        from rest_framework.test import APIClient

        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {client_token}")
        response = client.post(
            "/api/v1/wallet/transfers", body, format="json", HTTP_IDEMPOTENCY_KEY="same-key"
        )
        return response.status_code, response.json()

    results = run_together([send for _ in range(6)])
    assert {status for status, _ in results} == {201}
    assert len({body["id"] for _, body in results}) == 1
    assert wallet(recipient) == 700
    assert wallet(sender) == 10_000 - 700


def test_concurrent_gateway_callbacks_credit_a_top_up_exactly_once():
    user = UserFactory()
    order = services.topup_create(actor=user, amount=2500, currency="EUR")
    distinct = [signed_callback(order) for _ in range(4)]  # gateway retries, new event ids
    replayed = [signed_callback(order, event_id="evt_same")] * 4  # one captured request

    def deliver(body, signature):
        from rest_framework.test import APIClient

        response = APIClient().post(
            "/api/v1/payments/gateway/callbacks",
            body,
            content_type="application/json",
            headers={SIGNATURE_HEADER: signature},
        )
        return response.status_code

    results = run_together([lambda c=c: deliver(*c) for c in distinct + replayed])
    assert Counter(results) == Counter({200: 5, 409: 3})
    assert wallet(user) == 2500
    assert selectors.ledger_report().ok


def test_concurrent_payments_to_one_merchant_all_succeed_without_deadlock():
    merchant = merchant_app()[0]
    buyers = [payer(1000) for _ in range(8)]
    orders = [pay_order(merchant, buyer, 1000) for buyer in buyers]
    results = run_together(
        [
            lambda b=b, o=o: services.payorder_confirm(actor=b, prepay_id=o.prepay_id, pin=PIN)
            for b, o in zip(buyers, orders, strict=True)
        ]
    )
    assert [r.status for r in results] == ["paid"] * 8
    total = selectors.merchant_balances(organisation_id=merchant.organisation_id)[0]["available"]
    assert total == 8 * (1000 - services.merchant_fee(1000))
    assert selectors.ledger_report().ok


def test_concurrent_refunds_never_exceed_what_was_paid():
    merchant = merchant_app()[0]
    buyer = payer(3000)
    order = pay_order(merchant, buyer, 3000)
    services.payorder_confirm(actor=buyer, prepay_id=order.prepay_id, pin=PIN)
    results = run_together(
        [
            lambda n=n: services.refund_create(
                miniprogram=merchant, prepay_id=order.prepay_id, out_refund_no=f"R{n}", amount=1000
            )
            for n in range(5)
        ]
    )
    assert Counter(outcome(r) for r in results)["refund_exceeds_remaining"] == 2
    assert wallet(buyer) == 3000
    assert selectors.ledger_report().ok


def test_payments_refunds_and_transfers_racing_on_the_same_rows_never_deadlock():
    """Wallets are locked before hot shards everywhere, so mixed flows cannot form a cycle."""
    merchant = merchant_app()[0]
    alice, bob = payer(20_000), payer(20_000)
    befriend(alice, bob)
    paid = []
    for buyer in (alice, bob):
        order = pay_order(merchant, buyer, 2000)
        services.payorder_confirm(actor=buyer, prepay_id=order.prepay_id, pin=PIN)
        paid.append(order)
    new_orders = [pay_order(merchant, buyer, 500) for buyer in (alice, bob, alice, bob)]
    actions = [
        lambda o=o: services.payorder_confirm(actor=o.payer, prepay_id=o.prepay_id, pin=PIN)
        for o in new_orders
    ]
    actions += [
        lambda o=o, n=n: services.refund_create(
            miniprogram=merchant, prepay_id=o.prepay_id, out_refund_no=f"R{n}", amount=400
        )
        for n, o in enumerate(paid * 2)
    ]
    actions += [
        lambda: services.transfer_create(
            actor=alice, recipient=bob, amount=100, currency="EUR", pin=PIN
        ),
        lambda: services.transfer_create(
            actor=bob, recipient=alice, amount=100, currency="EUR", pin=PIN
        ),
    ]
    results = run_together(actions)
    assert not [r for r in results if isinstance(r, Exception)]
    assert wallet(alice) + wallet(bob) == 40_000 - 2 * 2000 - 4 * 500 + 4 * 400
    assert selectors.ledger_report().ok


def test_concurrent_sandbox_payments_of_one_tester_each_top_up_their_own_shortfall():
    """The sandbox wallet is locked before its shortfall is computed, so racing payments of one
    tester top up one after the other and none leaves it negative or short.

    As many payments race as PINs may be in flight at once: each takes a guess before its PIN
    is compared, and a guess past ``PAYMENTS_PIN_MAX_FAILURES`` is refused even when right
    (tests/security/test_high.py), so that concurrency cannot widen a brute force."""
    miniprogram = sandbox_set(merchant_app("Sandbox app")[0])
    tester = payer()
    racing = settings.PAYMENTS_PIN_MAX_FAILURES
    orders = [pay_order(miniprogram, tester, 700) for _ in range(racing)]
    results = run_together(
        [
            lambda order=order: services.payorder_confirm(
                actor=tester, prepay_id=order.prepay_id, pin=PIN
            )
            for order in orders
        ]
    )
    assert [outcome(result) for result in results] == ["PayOrder"] * racing
    sandbox_wallet = selectors.wallet_balances(user=tester, sandbox=True)
    assert sandbox_wallet == [{"currency": "EUR", "available": 0}]
    assert selectors.wallet_balances(user=tester) == []
    assert selectors.ledger_report().ok
