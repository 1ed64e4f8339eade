"""The external gateway: top-ups, withdrawals and the signed callbacks that complete them."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from payments import ledger
from payments.gateways import CallbackRejected, gateway
from payments.models import (
    GatewayCallback,
    GatewayOrder,
)
from payments.services.wallet import Kind, Type, money_validate, wallet_changed_announce
from payments.services.wallet_pin import pin_verify
from superapp.core.errors import (
    Conflict,
)

# --- gateway: top-ups and withdrawals ---------------------------------------------------------


@transaction.atomic
def topup_create(*, actor, amount: int, currency: str) -> GatewayOrder:
    """Start a top-up; the wallet is credited when the gateway's callback confirms it. The
    order carries ``client_confirmation``: what the payer's client needs to pay (Stripe's
    client secret; {} for the sandbox). A gateway that refuses raises GatewayUnavailable (502)
    and nothing is written."""
    money_validate(amount=amount, currency=currency)
    payment_gateway = gateway()
    order = GatewayOrder.objects.create(
        kind=GatewayOrder.Kind.TOPUP,
        user=actor,
        amount=amount,
        currency=currency,
        gateway=payment_gateway.name,
    )
    order.client_confirmation = payment_gateway.charge_start(
        reference=order.reference, amount=amount, currency=currency
    )
    return order


@transaction.atomic
def withdrawal_create(*, actor, amount: int, currency: str, pin: str) -> GatewayOrder:
    """Move the money out of the wallet into gateway clearing now, then ask for the payout;
    a failed payout puts it back."""
    money_validate(amount=amount, currency=currency)
    pin_verify(user=actor, pin=pin)
    wallet, clearing = ledger.accounts_resolve(
        ledger.wallet_lookup(user=actor, currency=currency),
        ledger.platform_lookup(kind=Kind.GATEWAY_CLEARING, currency=currency),
    )
    payment_gateway = gateway()
    order = GatewayOrder.objects.create(
        kind=GatewayOrder.Kind.WITHDRAWAL,
        user=actor,
        amount=amount,
        currency=currency,
        gateway=payment_gateway.name,
    )
    ledger.journal_post(
        type=Type.WITHDRAWAL,
        reference=f"gateway:{order.reference}",
        actor=actor,
        legs=[(wallet, -amount), (clearing, amount)],
    )
    payment_gateway.payout_start(reference=order.reference, amount=amount, currency=currency)
    return order


@transaction.atomic
def gateway_callback_receive(*, body: bytes, signature: str) -> GatewayCallback | None:
    """Apply a gateway callback exactly once.

    Refused (nothing changes): a bad or stale signature, a body that does not match the order,
    an event id already received (a replay). A second, different event for an order that is
    already complete is acknowledged without effect."""
    event = gateway().callback_parse(body=body, signature=signature)
    if event is None:  # genuine, about nothing Plaza acts on
        return None
    order = GatewayOrder.objects.select_for_update().filter(reference=event.reference).first()
    if order is None:
        raise CallbackRejected("Unknown reference.", code="unknown_reference")
    if (event.kind, event.amount, event.currency) != (order.kind, order.amount, order.currency):
        raise CallbackRejected("The callback does not match the order.", code="callback_mismatch")
    applies = order.status == GatewayOrder.Status.PENDING
    try:
        with transaction.atomic():
            callback = GatewayCallback.objects.create(
                event_id=event.event_id, order=order, outcome=event.outcome, applied=applies
            )
    except IntegrityError as exc:
        raise Conflict("This callback was already received.", code="callback_replayed") from exc
    if applies:
        _gateway_order_complete(
            order=order,
            succeeded=event.outcome == "succeeded",
            failure_reason=event.failure_reason,
        )
    return callback


def _gateway_order_complete(*, order: GatewayOrder, succeeded: bool, failure_reason: str) -> None:
    order.status = GatewayOrder.Status.SUCCEEDED if succeeded else GatewayOrder.Status.FAILED
    order.failure_reason = "" if succeeded else (failure_reason or "failed")[:200]
    order.completed_at = timezone.now()
    order.save(update_fields=["status", "failure_reason", "completed_at"])
    is_topup = order.kind == GatewayOrder.Kind.TOPUP
    if is_topup != succeeded:  # a successful payout or a declined charge moves nothing more
        return
    clearing, wallet = ledger.accounts_resolve(
        ledger.platform_lookup(kind=Kind.GATEWAY_CLEARING, currency=order.currency),
        ledger.wallet_lookup(user=order.user, currency=order.currency),
    )
    ledger.journal_post(
        type=Type.TOPUP if is_topup else Type.WITHDRAWAL_REVERSAL,
        reference=f"gateway:{order.reference}",
        actor=None,
        legs=[(clearing, -order.amount), (wallet, order.amount)],
    )
    wallet_changed_announce(
        user_id=order.user_id, currency=order.currency, reason=order.kind, amount=order.amount
    )
