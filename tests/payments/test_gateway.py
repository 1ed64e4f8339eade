"""Top-ups and withdrawals through the sandbox gateway and its signed callbacks."""

import time

import pytest
from rest_framework.test import APIClient

from payments import selectors, services
from payments.gateways import SIGNATURE_HEADER, SandboxGateway
from payments.models import GatewayCallback, GatewayOrder, JournalTransaction
from payments.tasks import sandbox_gateway_settle
from tests.factories import UserFactory
from tests.helpers import Receiver, assert_refused, consumer_client
from tests.payments.factories import PIN, payer, signed_callback

pytestmark = pytest.mark.django_db
CALLBACKS = "/api/v1/payments/gateway/callbacks"


def balance(user) -> int:
    return sum(b["available"] for b in selectors.wallet_balances(user=user))


def post_callback(body: bytes, signature: str):
    return APIClient().post(
        CALLBACKS,
        body,
        content_type="application/json",
        headers={SIGNATURE_HEADER: signature},
    )


def test_a_top_up_is_pending_until_the_gateway_calls_back_then_credited(
    django_capture_on_commit_callbacks,
):
    user = UserFactory()
    client = consumer_client(user)
    with django_capture_on_commit_callbacks(execute=False) as scheduled:
        response = client.post("/api/v1/wallet/topups", {"amount": 2500, "currency": "EUR"})
    assert response.status_code == 201
    assert response.json()["status"] == "pending"
    assert balance(user) == 0

    for callback in scheduled:  # the sandbox gateway settles after commit
        callback()
    detail = client.get(f"/api/v1/wallet/gateway-orders/{response.json()['id']}").json()
    assert detail["status"] == "succeeded"
    assert balance(user) == 2500


def test_the_sandbox_declines_amounts_ending_in_13_and_nothing_is_credited(
    django_capture_on_commit_callbacks,
):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        order = services.topup_create(actor=user, amount=1013, currency="EUR")
    order.refresh_from_db()
    assert (order.status, order.failure_reason) == ("failed", "card_declined")
    assert balance(user) == 0


def test_a_withdrawal_debits_at_once_and_a_declined_payout_gives_it_back(
    django_capture_on_commit_callbacks,
):
    user = payer(10_000)
    client = consumer_client(user)
    with django_capture_on_commit_callbacks(execute=True):
        paid_out = client.post(
            "/api/v1/wallet/withdrawals", {"amount": 3000, "currency": "EUR", "pin": PIN}
        )
    assert paid_out.status_code == 201
    assert GatewayOrder.objects.get(reference=paid_out.json()["id"]).status == "succeeded"
    assert balance(user) == 7000
    with django_capture_on_commit_callbacks(execute=True):
        declined = client.post(
            "/api/v1/wallet/withdrawals", {"amount": 1013, "currency": "EUR", "pin": PIN}
        )
    assert GatewayOrder.objects.get(reference=declined.json()["id"]).status == "failed"
    assert balance(user) == 7000
    assert JournalTransaction.objects.filter(type="withdrawal_reversal").count() == 1
    assert selectors.ledger_report().ok


def test_a_withdrawal_needs_the_pin_and_the_money():
    user = payer(1000)
    client = consumer_client(user)
    body = {"amount": 500, "currency": "EUR", "pin": "000000"}
    assert client.post("/api/v1/wallet/withdrawals", body).json()["code"] == "invalid_pin"
    body = {"amount": 5000, "currency": "EUR", "pin": PIN}
    assert client.post("/api/v1/wallet/withdrawals", body).json()["code"] == "insufficient_funds"
    assert balance(user) == 1000


def test_the_callback_endpoint_credits_once_however_many_distinct_callbacks_arrive():
    user = UserFactory()
    order = services.topup_create(actor=user, amount=4000, currency="EUR")
    first = post_callback(*signed_callback(order))
    assert first.json() == {"received": True, "applied": True}
    duplicate = post_callback(*signed_callback(order))  # the gateway's own retry, new event id
    assert duplicate.json() == {"received": True, "applied": False}
    late_failure = post_callback(*signed_callback(order, outcome="failed"))
    assert late_failure.json()["applied"] is False
    order.refresh_from_db()
    assert order.status == "succeeded"
    assert balance(user) == 4000


def _assert_nothing_changed(order, user):
    order.refresh_from_db()
    assert order.status == "pending"
    assert balance(user) == 0
    assert not GatewayCallback.objects.filter(order=order).exists()


def test_a_tampered_callback_is_refused_and_changes_nothing():
    user = UserFactory()
    order = services.topup_create(actor=user, amount=4000, currency="EUR")
    body, signature = signed_callback(order)
    tampered = body.replace(b"4000", b"9000")
    response = post_callback(tampered, signature)
    assert_refused(response, 400, "invalid_signature")
    forged = post_callback(body, signature[:-4] + "0000")
    assert forged.json()["code"] == "invalid_signature"
    unsigned = post_callback(body, "")
    assert unsigned.json()["code"] == "invalid_signature"
    _assert_nothing_changed(order, user)


def test_a_correctly_signed_callback_that_does_not_match_the_order_is_refused():
    user = UserFactory()
    order = services.topup_create(actor=user, amount=4000, currency="EUR")
    response = post_callback(*signed_callback(order, amount=9000))
    assert_refused(response, 400, "callback_mismatch")
    _assert_nothing_changed(order, user)


def test_a_stale_callback_is_refused_and_changes_nothing(settings):
    user = UserFactory()
    order = services.topup_create(actor=user, amount=4000, currency="EUR")
    old = int(time.time()) - settings.PAYMENTS_GATEWAY_CALLBACK_TOLERANCE_SECONDS - 5
    response = post_callback(*signed_callback(order, timestamp=old))
    assert_refused(response, 400, "invalid_signature")
    assert "tolerance" in response.json()["detail"]
    _assert_nothing_changed(order, user)


def test_a_replayed_callback_is_refused_and_changes_nothing_more():
    user = UserFactory()
    order = services.topup_create(actor=user, amount=4000, currency="EUR")
    body, signature = signed_callback(order)
    assert post_callback(body, signature).status_code == 200
    replay = post_callback(body, signature)
    assert_refused(replay, 409, "callback_replayed")
    assert balance(user) == 4000
    assert GatewayCallback.objects.filter(order=order).count() == 1
    assert JournalTransaction.objects.filter(type="topup").count() == 1


def test_the_sandbox_retries_its_callback_until_plaza_acknowledges_it(settings, monkeypatch):
    """Over HTTP: Plaza's endpoint answers 503 twice; the task retries (Celery runs eager
    retries at once when failures do not propagate) and the third delivery is acknowledged."""
    monkeypatch.setitem(sandbox_gateway_settle.app.conf, "task_eager_propagates", False)
    user = UserFactory()
    order = services.topup_create(actor=user, amount=4000, currency="EUR")
    with Receiver(responses=[503, 503]) as gateway_endpoint:
        settings.PAYMENTS_SANDBOX_CALLBACK_URL = gateway_endpoint.url
        result = sandbox_gateway_settle.apply(args=[order.reference, "topup", 4000, "EUR"])
    assert (result.state, result.result) == ("SUCCESS", "succeeded")
    assert len(gateway_endpoint.requests) == 3
    delivered = gateway_endpoint.requests[-1]
    services.gateway_callback_receive(
        body=delivered["body"], signature=delivered["headers"][SIGNATURE_HEADER]
    )
    assert balance(user) == 4000


def test_the_sandbox_outcome_rule():
    assert SandboxGateway.outcome_for(1000) == "succeeded"
    assert SandboxGateway.outcome_for(1013) == "failed"
