"""Top-ups through Stripe PaymentIntents, against a fake of Stripe's HTTP API served on a free
local port (never the network): create the intent, the client confirms it with Stripe, Stripe's
signed ``payment_intent.succeeded`` webhook credits the wallet exactly once."""

import hashlib
import hmac
import itertools
import json
import time
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs

import pytest
import requests

from payments import selectors, services
from payments.models import GatewayOrder
from tests.factories import UserFactory
from tests.helpers import LocalServer, consumer_client
from tests.payments.factories import PIN

pytestmark = pytest.mark.django_db

SECRET_KEY = "sk_test_plaza"
WEBHOOK_SECRET = "whsec_test_plaza"
CALLBACKS = "/api/v1/payments/gateway/callbacks"


class FakeStripe(LocalServer):
    """Stripe's API as far as Plaza and a paying client use it: ``POST /v1/payment_intents``
    (form-encoded, secret key, idempotency key) and ``POST /v1/payment_intents/{id}/confirm``
    (what Stripe.js does for the client). A confirmation produces the webhook event Stripe
    would send, signed as Stripe signs (``Stripe-Signature: t=…,v1=…``)."""

    def __init__(self):
        self.intents: dict[str, dict] = {}
        self.requests: list[dict] = []
        self.events: list[tuple[bytes, str]] = []
        ids = itertools.count(1)
        stripe = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
                stripe.requests.append({"path": self.path, "headers": dict(self.headers)})
                if self.headers.get("Authorization") != f"Bearer {SECRET_KEY}":
                    return self.reply(401, {"error": {"type": "invalid_request_error"}})
                if self.path == "/v1/payment_intents":
                    intent_id = f"pi_{next(ids)}"
                    stripe.intents[intent_id] = {
                        "id": intent_id,
                        "object": "payment_intent",
                        "amount": int(form["amount"]),
                        "currency": form["currency"],
                        "status": "requires_payment_method",
                        "client_secret": f"{intent_id}_secret_{next(ids)}",
                        "metadata": {"plaza_reference": form["metadata[plaza_reference]"]},
                    }
                    return self.reply(200, stripe.intents[intent_id])
                intent_id = self.path.split("/")[3]
                intent = stripe.intents[intent_id]
                declined = form.get("payment_method") == "pm_card_chargeDeclined"
                intent["status"] = "requires_payment_method" if declined else "succeeded"
                if declined:
                    intent["last_payment_error"] = {"code": "card_declined"}
                kind = "payment_failed" if declined else "succeeded"
                stripe.events.append(stripe.webhook(f"payment_intent.{kind}", intent))
                return self.reply(200, intent)

            def reply(self, status: int, body: dict):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        super().__init__(Handler)
        self.url = self.origin

    @staticmethod
    def webhook(event_type: str, intent: dict, at: int | None = None, secret=WEBHOOK_SECRET):
        event = {
            "id": f"evt_{intent['id']}_{event_type}",
            "object": "event",
            "type": event_type,
            "data": {"object": dict(intent)},
        }
        body = json.dumps(event).encode()
        timestamp = str(at or int(time.time()))
        digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
        return body, f"t={timestamp},v1={digest.hexdigest()}"

    def confirm(self, intent_id: str, payment_method: str = "pm_card_visa"):
        """What the payer's client does with the client secret (Stripe.js)."""
        return requests.post(
            f"{self.url}/v1/payment_intents/{intent_id}/confirm",
            data={"payment_method": payment_method},
            headers={"Authorization": f"Bearer {SECRET_KEY}"},
            timeout=5,
        )


@pytest.fixture
def stripe(settings):
    with FakeStripe() as fake:
        settings.PAYMENTS_GATEWAY = "payments.gateways.StripeGateway"
        settings.STRIPE_SECRET_KEY = SECRET_KEY
        settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
        settings.STRIPE_API_BASE = fake.url
        yield fake


def deliver(client, webhook: tuple[bytes, str]):
    body, signature = webhook
    return client.post(
        CALLBACKS, data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature
    )


def balance(user) -> int:
    return sum(b["available"] for b in selectors.wallet_balances(user=user))


def top_up(user, amount=2500):
    response = consumer_client(user).post(
        "/api/v1/wallet/topups", {"amount": amount, "currency": "EUR"}, format="json"
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_a_top_up_is_credited_once_by_stripes_signed_webhook(stripe, client):
    buyer = UserFactory()
    order = top_up(buyer)

    confirmation = order["client_confirmation"]
    assert confirmation["provider"] == "stripe"
    assert confirmation["client_secret"].startswith(confirmation["payment_intent"])
    [created] = stripe.requests
    assert created["headers"]["Idempotency-Key"] == order["id"]
    assert stripe.intents[confirmation["payment_intent"]]["amount"] == 2500
    assert order["status"] == "pending" and balance(buyer) == 0  # nothing before Stripe says so

    assert stripe.confirm(confirmation["payment_intent"]).json()["status"] == "succeeded"
    [event] = stripe.events
    first = deliver(client, event)
    assert first.status_code == 200, first.content
    assert first.json() == {"received": True, "applied": True}
    assert balance(buyer) == 2500
    assert GatewayOrder.objects.get(reference=order["id"]).status == "succeeded"

    replay = deliver(client, event)  # Stripe retries a webhook it thinks was lost
    assert replay.status_code == 409
    assert balance(buyer) == 2500
    assert selectors.ledger_report().ok


def test_a_declined_card_fails_the_top_up_and_credits_nothing(stripe, client):
    buyer = UserFactory()
    order = top_up(buyer)
    stripe.confirm(order["client_confirmation"]["payment_intent"], "pm_card_chargeDeclined")
    assert deliver(client, stripe.events[0]).status_code == 200
    failed = GatewayOrder.objects.get(reference=order["id"])
    assert (failed.status, failed.failure_reason) == ("failed", "card_declined")
    assert balance(buyer) == 0


@pytest.mark.parametrize(
    "forge",
    [
        lambda intent: FakeStripe.webhook("payment_intent.succeeded", intent, secret="whsec_x"),
        lambda intent: FakeStripe.webhook(
            "payment_intent.succeeded", intent, at=int(time.time()) - 3600
        ),
        lambda intent: FakeStripe.webhook(
            "payment_intent.succeeded", {**intent, "amount": intent["amount"] * 100}
        ),
    ],
    ids=["wrong-secret", "stale", "amount-mismatch"],
)
def test_forged_stale_or_mismatched_webhooks_are_refused(stripe, client, forge):
    buyer = UserFactory()
    order = top_up(buyer)
    intent = stripe.intents[order["client_confirmation"]["payment_intent"]]

    refused = deliver(client, forge({**intent, "status": "succeeded"}))

    assert refused.status_code == 400
    assert refused.json()["code"] in ("invalid_signature", "callback_mismatch")
    assert balance(buyer) == 0


def test_events_plaza_does_not_act_on_are_acknowledged(stripe, client):
    order = top_up(UserFactory())
    intent = stripe.intents[order["client_confirmation"]["payment_intent"]]
    answer = deliver(client, FakeStripe.webhook("payment_intent.created", intent))
    assert answer.json() == {"received": True, "applied": False}


def test_stripe_refusing_the_intent_writes_nothing(stripe, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_revoked"
    response = consumer_client(UserFactory()).post(
        "/api/v1/wallet/topups", {"amount": 2500, "currency": "EUR"}, format="json"
    )
    assert (response.status_code, response.json()["code"]) == (502, "gateway_unavailable")
    assert not GatewayOrder.objects.exists()


def test_withdrawals_are_refused_with_stripe_and_move_nothing(stripe, client):
    user = UserFactory()
    services.pin_set(actor=user, pin=PIN)
    order = top_up(user)
    stripe.confirm(order["client_confirmation"]["payment_intent"])
    deliver(client, stripe.events[0])

    refused = consumer_client(user).post(
        "/api/v1/wallet/withdrawals", {"amount": 100, "currency": "EUR", "pin": PIN}, format="json"
    )

    assert (refused.status_code, refused.json()["code"]) == (422, "withdrawals_unavailable")
    assert balance(user) == 2500
