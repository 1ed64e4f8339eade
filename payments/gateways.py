"""Payment gateways: how money enters (top-up) and leaves (withdrawal) Plaza.

A gateway is asynchronous, like a card acquirer or a bank: Plaza *starts* a charge or a payout,
and the outcome arrives later as a signed callback to ``POST /api/v1/payments/gateway/callbacks``,
which :func:`payments.services.gateway_callback_receive` verifies and applies exactly once.
``settings.PAYMENTS_GATEWAY`` names the implementation; :class:`SandboxGateway` is the built-in
one and behaves like a real gateway (delayed completion, declines, retried callbacks).
"""

import json
import secrets
from abc import ABC, abstractmethod
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from superapp.core import signing
from superapp.core.errors import InvalidInput

SIGNATURE_HEADER = "Plaza-Gateway-Signature"
OUTCOMES = ("succeeded", "failed")


class CallbackRejected(InvalidInput):
    code = "invalid_callback"
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


class PaymentGateway(ABC):
    name: str

    @abstractmethod
    def charge_start(self, *, reference: str, amount: int, currency: str) -> None:
        """Ask the gateway to collect money for a top-up; the outcome comes by callback."""

    @abstractmethod
    def payout_start(self, *, reference: str, amount: int, currency: str) -> None:
        """Ask the gateway to pay money out for a withdrawal; the outcome comes by callback."""

    @abstractmethod
    def callback_parse(self, *, body: bytes, signature: str) -> GatewayEvent:
        """Verify a callback's signature and freshness and parse it, or raise CallbackRejected."""


def gateway() -> PaymentGateway:
    return import_string(settings.PAYMENTS_GATEWAY)()


class SandboxGateway(PaymentGateway):
    """A gateway simulator: completes every charge/payout shortly after commit by a callback
    signed with ``PAYMENTS_GATEWAY_SECRET``. Amounts whose last two digits are ``13`` are
    declined (a documented test value, like a gateway's test card numbers)."""

    name = "sandbox"
    DECLINED_SUFFIX = 13

    def charge_start(self, *, reference: str, amount: int, currency: str) -> None:
        self._settle_after_commit(reference, "topup", amount, currency)

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
            raise CallbackRejected(f"Signature refused: {exc}.", code="invalid_signature") from exc
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
            raise CallbackRejected("Malformed callback body.", code="malformed_callback") from exc
        if event.outcome not in OUTCOMES:
            raise CallbackRejected("Unknown outcome.", code="malformed_callback")
        return event
