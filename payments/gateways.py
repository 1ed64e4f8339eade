"""Payment gateways: how money enters (top-up) and leaves (withdrawal) Plaza.

A gateway is asynchronous, like a card acquirer or a bank: Plaza *starts* a charge or a payout,
and the outcome arrives later as a signed callback to ``POST /api/v1/payments/gateway/callbacks``,
which :func:`payments.services.gateway_callback_receive` verifies and applies exactly once.
``settings.PAYMENTS_GATEWAY`` names the implementation: :class:`SandboxGateway` (the default, for
development: it behaves like a real gateway, with delayed completion, declines and retried
callbacks) or :class:`StripeGateway` (Stripe PaymentIntents; docs/payments.md).
"""

import hashlib
import hmac
import json
import secrets
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass

import requests
from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from payments.errors import (
    GATEWAY_UNAVAILABLE,
    INVALID_CALLBACK,
    INVALID_SIGNATURE,
    MALFORMED_CALLBACK,
    WITHDRAWALS_UNAVAILABLE,
)
from superapp.core import signing
from superapp.core.errors import DomainError, InvalidInput

SIGNATURE_HEADER = "Plaza-Gateway-Signature"
OUTCOMES = ("succeeded", "failed")


class CallbackRejected(InvalidInput):
    code = INVALID_CALLBACK
    default_detail = "The gateway callback was refused."


@dataclass(frozen=True)
class GatewayEvent:
    """A verified callback: the gateway's event id, the order it is about and how it ended."""

    event_id: str
    reference: str
    kind: str
    outcome: str
    amount: int
    currency: str
    failure_reason: str = ""


class GatewayUnavailable(DomainError):
    status = 502
    code = GATEWAY_UNAVAILABLE
    default_detail = "The payment gateway did not accept the request; nothing was charged."


class PaymentGateway(ABC):
    name: str
    signature_header: str  # the HTTP header of its callbacks that carries the signature

    @abstractmethod
    def charge_start(self, *, reference: str, amount: int, currency: str) -> dict:
        """Ask the gateway to collect money for a top-up; the outcome comes by callback.
        Returns what the payer's client needs to pay ({} when nothing), or raises
        GatewayUnavailable."""

    @abstractmethod
    def payout_start(self, *, reference: str, amount: int, currency: str) -> None:
        """Ask the gateway to pay money out for a withdrawal; the outcome comes by callback."""

    @abstractmethod
    def callback_parse(self, *, body: bytes, signature: str) -> GatewayEvent | None:
        """Verify a callback's signature and freshness and parse it, or raise CallbackRejected.
        None: a genuine callback about nothing Plaza acts on (acknowledged, ignored)."""


def gateway() -> PaymentGateway:
    return import_string(settings.PAYMENTS_GATEWAY)()


class SandboxGateway(PaymentGateway):
    """A gateway simulator: completes every charge/payout shortly after commit by a callback
    signed with ``PAYMENTS_GATEWAY_SECRET``. Amounts whose last two digits are ``13`` are
    declined (a documented test value, like a gateway's test card numbers)."""

    name = "sandbox"
    signature_header = SIGNATURE_HEADER
    DECLINED_SUFFIX = 13

    def charge_start(self, *, reference: str, amount: int, currency: str) -> dict:
        self._settle_after_commit(reference, "topup", amount, currency)
        return {}

    def payout_start(self, *, reference: str, amount: int, currency: str) -> None:
        self._settle_after_commit(reference, "withdrawal", amount, currency)

    @staticmethod
    def _settle_after_commit(reference: str, kind: str, amount: int, currency: str) -> None:
        from payments.tasks import sandbox_gateway_settle

        transaction.on_commit(
            lambda: sandbox_gateway_settle.delay(reference, kind, amount, currency), robust=True
        )

    @classmethod
    def outcome_for(cls, amount: int) -> str:
        return "failed" if amount % 100 == cls.DECLINED_SUFFIX else "succeeded"

    @staticmethod
    def callback_build(
        *,
        reference: str,
        kind: str,
        outcome: str,
        amount: int,
        currency: str,
        event_id: str | None = None,
        timestamp: int | None = None,
    ) -> tuple[bytes, str]:
        """The body and signature header the gateway sends for one outcome."""
        event = {
            "event_id": event_id or "evt_" + secrets.token_hex(12),
            "reference": reference,
            "kind": kind,
            "outcome": outcome,
            "amount": amount,
            "currency": currency,
            "failure_reason": "card_declined" if outcome == "failed" else "",
        }
        body = json.dumps(event, separators=(",", ":")).encode()
        return body, signing.sign(settings.PAYMENTS_GATEWAY_SECRET, body, timestamp=timestamp)

    def callback_parse(self, *, body: bytes, signature: str) -> GatewayEvent:
        try:
            signing.verify(
                settings.PAYMENTS_GATEWAY_SECRET,
                signature,
                body,
                tolerance=settings.PAYMENTS_GATEWAY_CALLBACK_TOLERANCE_SECONDS,
            )
        except signing.SignatureError as exc:
            raise CallbackRejected(f"Signature refused: {exc}.", code=INVALID_SIGNATURE) from exc
        try:
            data = json.loads(body)
            event = GatewayEvent(
                event_id=str(data["event_id"]),
                reference=str(data["reference"]),
                kind=str(data["kind"]),
                outcome=str(data["outcome"]),
                amount=int(data["amount"]),
                currency=str(data["currency"]),
                failure_reason=str(data.get("failure_reason", ""))[:200],
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise CallbackRejected("Malformed callback body.", code=MALFORMED_CALLBACK) from exc
        if event.outcome not in OUTCOMES:
            raise CallbackRejected("Unknown outcome.", code=MALFORMED_CALLBACK)
        return event


class StripeGateway(PaymentGateway):
    """Top-ups through Stripe PaymentIntents (https://docs.stripe.com/payments/payment-intents).

    ``charge_start`` creates a PaymentIntent (our reference in its metadata, and as its
    idempotency key) and hands its ``client_secret`` to the payer's client, which confirms the
    payment with Stripe.js. Stripe then calls the callback endpoint with
    ``payment_intent.succeeded`` (or ``payment_intent.payment_failed``), signed in the
    ``Stripe-Signature`` header; the wallet is credited by that event, exactly once. Stripe's
    HTTP API is called with ``requests`` (two endpoints do not need the SDK).
    Withdrawals (payouts to a person's bank) need Stripe Connect and are refused."""

    name = "stripe"
    signature_header = "Stripe-Signature"
    OUTCOMES = {
        "payment_intent.succeeded": "succeeded",
        "payment_intent.payment_failed": "failed",
    }

    def charge_start(self, *, reference: str, amount: int, currency: str) -> dict:
        try:
            response = requests.post(
                f"{settings.STRIPE_API_BASE}/v1/payment_intents",
                data={
                    "amount": amount,
                    "currency": currency.lower(),
                    "automatic_payment_methods[enabled]": "true",
                    "metadata[plaza_reference]": reference,
                },
                headers={
                    "Authorization": f"Bearer {settings.STRIPE_SECRET_KEY}",
                    "Idempotency-Key": reference,
                },
                timeout=settings.STRIPE_TIMEOUT_SECONDS,
            )
        except requests.RequestException as exc:
            raise GatewayUnavailable(f"Stripe could not be reached: {exc}.") from exc
        if response.status_code != 200:
            raise GatewayUnavailable(f"Stripe refused the payment intent ({response.status_code}).")
        intent = response.json()
        return {
            "provider": "stripe",
            "payment_intent": intent["id"],
            "client_secret": intent["client_secret"],
        }

    def payout_start(self, *, reference: str, amount: int, currency: str) -> None:
        raise DomainError(
            "Withdrawals are not available with this payment gateway.",
            code=WITHDRAWALS_UNAVAILABLE,
        )

    def callback_parse(self, *, body: bytes, signature: str) -> GatewayEvent | None:
        self._verify(body, signature)
        try:
            event = json.loads(body)
            outcome = self.OUTCOMES.get(event["type"])
            if outcome is None:
                return None
            intent = event["data"]["object"]
            return GatewayEvent(
                event_id=str(event["id"]),
                reference=str(intent["metadata"]["plaza_reference"]),
                kind="topup",
                outcome=outcome,
                amount=int(intent["amount"]),
                currency=str(intent["currency"]).upper(),
                failure_reason=str((intent.get("last_payment_error") or {}).get("code", ""))[:200],
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise CallbackRejected("Malformed Stripe event.", code=MALFORMED_CALLBACK) from exc

    @staticmethod
    def _verify(body: bytes, header: str) -> None:
        """Stripe's scheme: ``t=<unix time>,v1=<hex HMAC-SHA256 of "t.body">`` (several v1 while
        a secret rolls), with the endpoint's signing secret; t within the tolerance."""
        parts = [item.split("=", 1) for item in header.split(",") if "=" in item]
        timestamps = [value for key, value in parts if key == "t"]
        candidates = [value for key, value in parts if key == "v1"]
        if len(timestamps) != 1 or not timestamps[0].isdigit() or not candidates:
            raise CallbackRejected("Malformed Stripe-Signature.", code=INVALID_SIGNATURE)
        signed = timestamps[0].encode() + b"." + body
        expected = hmac.new(
            settings.STRIPE_WEBHOOK_SECRET.encode(), signed, hashlib.sha256
        ).hexdigest()
        if not any(hmac.compare_digest(expected, candidate) for candidate in candidates):
            raise CallbackRejected("Signature refused: no match.", code=INVALID_SIGNATURE)
        if (
            abs(time.time() - int(timestamps[0]))
            > settings.PAYMENTS_GATEWAY_CALLBACK_TOLERANCE_SECONDS
        ):
            raise CallbackRejected("Signature refused: too old.", code=INVALID_SIGNATURE)
