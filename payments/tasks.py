"""Payments background work: closing expired pay orders and the sandbox gateway's side."""

import contextlib
import logging

import requests
from celery import shared_task
from django.conf import settings

from payments import services
from payments.gateways import SIGNATURE_HEADER, SandboxGateway
from superapp.core.errors import Conflict

logger = logging.getLogger(__name__)


class CallbackNotAcknowledged(Exception):
    """Plaza did not acknowledge the callback; the sandbox gateway retries it."""


@shared_task(name="payments.close_expired_payorders")
def close_expired_payorders() -> int:
    closed = services.payorders_close_expired()
    logger.info("closed expired pay orders", extra={"closed": closed})
    return closed


@shared_task(
    name="payments.sandbox_gateway_settle",
    bind=True,
    autoretry_for=(CallbackNotAcknowledged, requests.RequestException),
    retry_backoff=2,
    retry_backoff_max=600,
    max_retries=settings.PAYMENTS_SANDBOX_MAX_RETRIES,
)
def sandbox_gateway_settle(self, reference: str, kind: str, amount: int, currency: str) -> str:
    """The sandbox gateway finishing a charge or payout: it decides the outcome, signs the
    callback and delivers it, retrying with backoff until Plaza acknowledges it."""
    outcome = SandboxGateway.outcome_for(amount)
    body, signature = SandboxGateway.callback_build(
        reference=reference, kind=kind, outcome=outcome, amount=amount, currency=currency
    )
    if settings.PAYMENTS_SANDBOX_CALLBACK_URL:
        _deliver_over_http(body, signature)
    else:
        _deliver_in_process(body, signature)
    return outcome


def _deliver_over_http(body: bytes, signature: str) -> None:
    response = requests.post(
        settings.PAYMENTS_SANDBOX_CALLBACK_URL,
        data=body,
        headers={"Content-Type": "application/json", SIGNATURE_HEADER: signature},
        timeout=10,
    )
    if response.status_code not in (200, 409):  # 409: already received
        raise CallbackNotAcknowledged(f"HTTP {response.status_code}")


def _deliver_in_process(body: bytes, signature: str) -> None:
    """Embedded mode (no callback URL): the same verification path, without the HTTP hop."""
    with contextlib.suppress(Conflict):  # already received
        services.gateway_callback_receive(body=body, signature=signature)


PERIODIC_TASKS = [(60.0, close_expired_payorders)]
