"""examples/coffee end to end against a real Plaza server (live_server) and the example's own
HTTP server: publish the bundle, open it, log in by code, read the granted profile, pre-order
with a Plaza pay order, pay it with the PIN, receive and verify the signed notification over
real HTTP, and get the "order ready" subscribe message."""

import hashlib
import hmac
import json
import threading
import time

import pytest
import requests
from django.core.management import call_command

from examples.coffee.build import build_bundle
from examples.coffee.server import CoffeeShop, PlazaClient, PlazaError, serve
from payments import selectors as payment_selectors
from superapp.core.models import DomainEvent
from superapp.webhooks.models import WebhookDelivery
from superapp.webhooks.services import webhook_resend
from tests.factories import UserFactory
from tests.helpers import consumer_client
from tests.miniprograms.factories import upload_file


@pytest.fixture
def published_coffee(transactional_db):
    """Corner Coffee registered, uploaded, reviewed and released through the API."""
    developer = consumer_client(UserFactory())
    registered = developer.post(
        "/api/v1/dev/miniprograms", {"name": "Corner Coffee"}, format="json"
    ).json()
    app_id = registered["app_id"]
    version = developer.post(
        f"/api/v1/dev/miniprograms/{app_id}/versions",
        {"version": "1.0.0", "bundle": upload_file(build_bundle())},
        format="multipart",
    ).json()
    developer.post(f"/api/v1/dev/miniprograms/{app_id}/versions/{version['id']}/submit")
    reviewer = consumer_client(UserFactory(is_staff=True))
    reviewer.post(f"/api/v1/review/versions/{version['id']}/approve")
    released = developer.post(f"/api/v1/dev/miniprograms/{app_id}/versions/{version['id']}/release")
    assert released.json()["status"] == "released"
    return app_id, registered["app_secret"]


PIN = "246810"


@pytest.fixture
def coffee(live_server, published_coffee):
    """The example's server on a free port of 127.0.0.1, its notify_url pointing at itself so
    Plaza's webhook worker (eager Celery in the live server's thread) reaches it over HTTP."""
    app_id, secret = published_coffee
    shop = CoffeeShop(PlazaClient(live_server.url, app_id, secret))
    server = serve(shop, port=0)
    shop.url = f"http://127.0.0.1:{server.server_port}"
    shop.notify_url = f"{shop.url}/plaza/notify"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield shop
    server.shutdown()
    server.server_close()


def funded_customer(amount: int):
    """A consumer with a PIN and ``amount`` EUR cents topped up through the sandbox gateway."""
    customer = consumer_client(UserFactory(display_name="Mei"))
    assert customer.post("/api/v1/wallet/pin", {"pin": PIN}, format="json").status_code == 200
    topup = customer.post("/api/v1/wallet/topups", {"amount": amount, "currency": "EUR"})
    assert topup.status_code == 201
    assert wallet_eur(customer) == amount
    return customer


def wallet_eur(customer) -> int:
    balances = customer.get("/api/v1/wallet").json()["balances"]
    return next((b["available"] for b in balances if b["currency"] == "EUR"), 0)


def signed_by_hand(secret: str, body: bytes, timestamp: int) -> str:
    """A Plaza-Signature computed independently of both Plaza and the example."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def test_the_coffee_example_runs_end_to_end(live_server, published_coffee, coffee, capsys):
    app_id, _ = published_coffee
    bundle = requests.get(f"{live_server.url}/mp/{app_id}/pages/index.html", timeout=10)
    assert bundle.status_code == 200 and b"Corner Coffee" in bundle.content
    assert "sandbox" in bundle.headers["Content-Security-Policy"]
    assert requests.get(f"{live_server.url}/mp/{app_id}/plaza-sdk.js", timeout=10).ok

    customer = funded_customer(1000)
    customer.post(f"/api/v1/miniprograms/{app_id}/open", {"source": "qr"}, format="json")
    code = customer.post(
        f"/api/v1/miniprograms/{app_id}/login", {"scopes": ["profile"]}, format="json"
    ).json()["code"]

    session = requests.post(f"{coffee.url}/api/login", json={"code": code}, timeout=10).json()
    headers = {"X-Coffee-Session": session["session"]}
    me = requests.get(f"{coffee.url}/api/me", headers=headers, timeout=10).json()
    assert me["display_name"] == "Mei"
    assert "phone" not in me

    customer.post(f"/api/v1/miniprograms/{app_id}/subscriptions", {"templates": ["order_ready"]})
    order = requests.post(
        f"{coffee.url}/api/orders", json={"drink": "Flat white"}, headers=headers, timeout=10
    ).json()
    assert (order["status"], order["amount"], order["currency"]) == ("awaiting_payment", 350, "EUR")
    unpaid = requests.post(f"{coffee.url}/api/orders/{order['id']}/ready", timeout=10)
    assert unpaid.status_code == 409

    # What plaza.requestPayment makes the host do: the customer confirms with the PIN.
    paid = requests.post(
        f"{live_server.url}/api/v1/pay/orders/{order['prepay_id']}/confirm",
        json={"pin": PIN},
        headers={"Authorization": f"Bearer {customer.access_token}"},
        timeout=30,
    )
    assert paid.status_code == 200 and paid.json()["status"] == "paid"
    assert coffee.plaza.pay_order(order["prepay_id"])["status"] == "paid"

    delivery = WebhookDelivery.objects.get(event_type="payment.succeeded")
    assert delivery.url == coffee.notify_url
    assert (delivery.status, delivery.attempts) == ("delivered", 1)
    assert list(coffee.notifications) == [str(delivery.event_id)]
    notified = coffee.notifications[str(delivery.event_id)]["data"]
    assert notified["out_trade_no"] == f"coffee-{order['id']}"
    assert coffee.orders[order["id"]].status == "paid"

    assert wallet_eur(customer) == 650
    merchant = payment_selectors.merchant_balances(
        organisation_id=DomainEvent.objects.get(type="payments.payorder_paid").payload[
            "organisation_id"
        ]
    )
    assert [(m["currency"], m["available"]) for m in merchant] == [("EUR", 350 - 2)]  # 0.6 % fee

    ready = requests.post(f"{coffee.url}/api/orders/{order['id']}/ready", timeout=10)
    assert ready.json() == {"id": order["id"], "status": "ready"}
    event = DomainEvent.objects.get(type="miniprograms.subscribe_message_sent")
    assert event.payload["user_id"] == customer.user.pk
    assert event.payload["data"] == {"drink": "Flat white", "pickup": "Counter 1"}

    assert (
        requests.post(f"{coffee.url}/api/orders/{order['id']}/ready", timeout=10).status_code == 409
    )
    with pytest.raises(PlazaError) as spent:  # one acceptance allowed one message
        coffee.plaza.subscribe_message(notified["payer_openid"], "order_ready", {})
    assert spent.value.body["code"] == "no_subscription"

    call_command("ledger_verify")
    assert "ledger_verify=ok" in capsys.readouterr().out


def test_the_coffee_server_applies_a_notification_once_and_refuses_forged_ones(
    live_server, published_coffee, coffee
):
    """Plaza retries until it gets a 2xx, so a delivery can arrive twice; anyone can POST to
    the notify URL, so only a fresh, correctly signed body counts."""
    app_id, _ = published_coffee
    customer = funded_customer(500)
    code = customer.post(f"/api/v1/miniprograms/{app_id}/login", format="json").json()["code"]
    session = requests.post(f"{coffee.url}/api/login", json={"code": code}, timeout=10).json()
    order = requests.post(
        f"{coffee.url}/api/orders",
        json={"drink": "Espresso"},
        headers={"X-Coffee-Session": session["session"]},
        timeout=10,
    ).json()
    customer.post(f"/api/v1/pay/orders/{order['prepay_id']}/confirm", {"pin": PIN}, format="json")
    delivery = WebhookDelivery.objects.get(event_type="payment.succeeded")
    assert delivery.status == "delivered"
    body, secret = delivery.body.encode(), coffee.plaza.merchant_key()
    notify = f"{coffee.url}/plaza/notify"

    webhook_resend(delivery=delivery)  # Plaza delivers the same notification again
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 2)
    again = requests.post(
        notify,
        data=body,
        headers={"Plaza-Signature": signed_by_hand(secret, body, int(time.time()))},
    )
    assert again.json() == {"received": True, "duplicate": True}
    assert len(coffee.notifications) == 1
    assert coffee.orders[order["id"]].status == "paid"

    forged = json.dumps({**json.loads(body), "id": "forged"}).encode()
    for signature in (
        signed_by_hand("not-the-key", forged, int(time.time())),
        signed_by_hand(secret, body, int(time.time())),  # a valid signature of another body
        signed_by_hand(secret, forged, int(time.time()) - 301),  # stale
        "",
    ):
        refused = requests.post(notify, data=forged, headers={"Plaza-Signature": signature})
        assert refused.status_code == 400, signature
    assert list(coffee.notifications) == [str(delivery.event_id)]
