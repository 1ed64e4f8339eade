"""Refunds of a paid pay order, with the merchant fee returned pro rata."""

from django.db import transaction

from payments import events, ledger
from payments.errors import OUT_REFUND_NO_REUSED, PAYORDER_NOT_PAID, REFUND_EXCEEDS_REMAINING
from payments.models import (
    PayOrder,
    Refund,
    public_id,
)
from payments.services.payorders import (
    _merchant_notification,
    _payorder_locked,
    _real_money_event,
    merchant_key_get,
)
from payments.services.wallet import Kind, Type, money_validate, wallet_changed_announce
from superapp.core import sql
from superapp.core.errors import (
    Conflict,
    DomainError,
    InvalidInput,
)


def _fee_returned(order: PayOrder, amount: int) -> int:
    """The fee share of a refund, computed on cumulative totals so that refunds adding up to
    the whole order return exactly the whole fee, whatever the rounding on the way."""
    before = order.fee * order.refunded_amount // order.amount
    after = order.fee * (order.refunded_amount + amount) // order.amount
    return after - before


@transaction.atomic
def refund_create(
    *, miniprogram, prepay_id: str, out_refund_no: str, amount: int
) -> tuple[Refund, bool]:
    """Refund part or all of a paid order to the payer's wallet. Returns (refund, created).

    Idempotent by ``out_refund_no`` (same amount → the same refund; other amount → 409);
    several refunds per order, never more in total than was paid (422). A sandbox order's
    refund goes back the sandbox way (sandbox merchant and fee accounts → sandbox wallet) and,
    like its payment, emits no domain event."""
    if not out_refund_no or len(out_refund_no) > 64:
        raise InvalidInput(fields={"out_refund_no": ["Must be 1-64 characters."]})
    order = _payorder_locked(prepay_id=prepay_id, miniprogram=miniprogram)
    money_validate(amount=amount, currency=order.currency)
    existing = Refund.objects.filter(pay_order=order, out_refund_no=out_refund_no).first()
    if existing is not None:
        if existing.amount != amount:
            raise Conflict(
                "This out_refund_no was used with another amount.", code=OUT_REFUND_NO_REUSED
            )
        return existing, False
    if order.status not in (PayOrder.Status.PAID, PayOrder.Status.REFUNDED):
        raise DomainError("Only a paid order can be refunded.", code=PAYORDER_NOT_PAID)
    if amount > order.refundable_amount:
        raise DomainError(
            "The refund exceeds what remains of the order.",
            code=REFUND_EXCEEDS_REMAINING,
            remaining=order.refundable_amount,
        )
    refund = _refund_post(order=order, out_refund_no=out_refund_no, amount=amount)
    event = events.PayOrderRefunded(
        refund_id=refund.refund_id,
        prepay_id=order.prepay_id,
        app_id=order.miniprogram.app_id,
        organisation_id=order.organisation_id,
        payer_user_id=order.payer_id,
        amount=amount,
        currency=order.currency,
        order_amount=order.amount,
        refunded_total=order.refunded_amount,
    )
    notification = _merchant_notification(
        order=order,
        event_type="refund.succeeded",
        data={
            "refund_id": refund.refund_id,
            "out_refund_no": out_refund_no,
            "refund_amount": amount,
            "refunded_total": order.refunded_amount,
        },
        secret=merchant_key_get(organisation_id=order.organisation_id),
    )
    sql.writes_run([*_real_money_event(order, event), *notification])
    return refund, True


def _refund_post(*, order: PayOrder, out_refund_no: str, amount: int) -> Refund:
    fee_returned = _fee_returned(order, amount)
    world = {"currency": order.currency, "sandbox": order.sandbox}
    shards = ledger.merchant_shards(organisation_id=order.organisation_id, **world)
    fees = ledger.platform_account(kind=Kind.FEES, **world)
    wallet = ledger.wallet_account(user=order.payer, **world)
    locked = ledger.lock_accounts([*shards, fees, wallet])
    merchant_legs = ledger.split_debit(
        [locked[shard.pk] for shard in shards], amount - fee_returned
    )
    refund_id = public_id("rf_")
    journal = ledger.journal_post(
        type=Type.REFUND,
        reference=f"refund:{refund_id}",
        actor=None,
        legs=[*merchant_legs, (fees, -fee_returned), (wallet, amount)],
    )
    order.refunded_amount += amount
    if order.refunded_amount == order.amount:
        order.status = PayOrder.Status.REFUNDED
    order.save(update_fields=["refunded_amount", "status"])
    if not order.sandbox:  # ``wallet.changed`` is about the real wallet
        wallet_changed_announce(
            user_id=order.payer_id, currency=order.currency, reason="refund", amount=amount
        )
    return Refund.objects.create(
        refund_id=refund_id,
        pay_order=order,
        out_refund_no=out_refund_no,
        amount=amount,
        fee_returned=fee_returned,
        journal=journal,
    )
