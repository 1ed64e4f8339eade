"""The order's entry points: cancel, expire, pay, ship, deliver, complete, and the buyer's pay
order through the shop's door to payments."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from miniprograms.shop import locks, selectors
from miniprograms.shop.errors import RESERVATION_EXPIRED, TEAM_NOT_FORMED, InvalidTransition
from miniprograms.shop.models import (
    Order,
    RefundRequest,
    Shop,
    Team,
)
from miniprograms.shop.services.order_state import _cancel, _locked_order, _transition
from miniprograms.shop.services.paid import _mark_paid
from miniprograms.shop.services.refunds import _refund_owed
from miniprograms.shop.services.status import Status
from superapp.core.errors import DomainError


@transaction.atomic
def order_cancel(*, actor, order_id: int) -> Order:
    """The buyer cancels an unpaid order; its stock goes back on sale."""
    order = _locked_order(order_id=order_id, buyer=actor)
    _cancel(order, "cancelled by buyer")
    return order


@transaction.atomic(savepoint=False)
def order_payable(*, actor, order_id: int) -> Order:
    """The buyer's order, row-locked, if it can still be paid: unpaid with its stock still
    reserved (an expired reservation is about to be cancelled and its stock resold)."""
    order = _locked_order(order_id=order_id, buyer=actor)
    if order.status != Status.CREATED:
        raise InvalidTransition(status=order.status, to=Status.PAID)
    if order.reserved_until <= timezone.now():
        raise DomainError("The reservation of this order has expired.", code=RESERVATION_EXPIRED)
    return order


@transaction.atomic
def order_expire(*, order_id: int) -> bool:
    """Cancel an order whose reservation lapsed unpaid. Skips it if paid meanwhile."""
    order = (
        locks.orders(skip_locked=True)
        .select_related("shop")
        .filter(pk=order_id, status=Status.CREATED, reserved_until__lt=timezone.now())
        .first()
    )
    if order is None:
        return False
    _cancel(order, "reservation expired")
    return True


@transaction.atomic(savepoint=False)
def order_pay(
    *,
    shop: Shop,
    out_trade_no: str,
    prepay_id: str,
    payer_user_id: int,
    amount: int,
    currency: str,
    paid_at: datetime,
) -> Order | None:
    """Record a settled pay order against its order. A payment that does not match a payable
    order (cancelled meanwhile, wrong amount or payer, paid twice) is owed back in full."""
    order = locks.orders().filter(shop=shop, out_trade_no=out_trade_no).first()
    if order is None:
        return None
    order.shop = shop  # read once by the caller: announcing the change reads its brand
    if order.status == Status.PAID and order.prepay_id == prepay_id:
        return order
    matches = order.status == Status.CREATED and (amount, currency, payer_user_id) == (
        order.total,
        order.currency,
        order.buyer_id,
    )
    if not matches:
        if not order.prepay_id:  # where the money to give back is
            order.prepay_id = prepay_id
            order.save(update_fields=["prepay_id", "updated_at"])
        _refund_owed(
            order=order,
            amount=amount,
            reason=RefundRequest.Reason.UNMATCHED_PAYMENT,
            note=f"pay order {prepay_id} did not match the order in status {order.status}",
        )
        return order
    _mark_paid(order, prepay_id=prepay_id, paid_at=paid_at)
    return order


def _staff_order(actor, shop_id: int, order_id: int) -> Order:
    shop = selectors.shop_for_staff(shop_id=shop_id, user=actor)
    return _locked_order(order_id=order_id, shop=shop)


@transaction.atomic
def order_ship(*, actor, shop_id: int, order_id: int, carrier: str, tracking_number: str) -> Order:
    order = _staff_order(actor, shop_id, order_id)
    if order.team_id is not None and order.team.status != Team.Status.SUCCEEDED:
        raise DomainError("The team has not formed yet.", code=TEAM_NOT_FORMED)
    order.carrier, order.tracking_number = carrier, tracking_number
    _transition(order, Status.SHIPPED, f"{carrier} {tracking_number}")
    return order


@transaction.atomic
def order_deliver(*, actor, shop_id: int, order_id: int) -> Order:
    order = _staff_order(actor, shop_id, order_id)
    _transition(order, Status.DELIVERED)
    return order


@transaction.atomic
def order_complete(*, actor, order_id: int) -> Order:
    """The buyer confirms receipt of a delivered order."""
    order = _locked_order(order_id=order_id, buyer=actor)
    _transition(order, Status.COMPLETED)
    return order


def order_payorder_create_nested(*, actor, order_id: int) -> tuple[Order, bool]:
    """The buyer's pay order for an order, through the shop's door to payments
    (miniprograms/shop/payment.py): what other apps (live's deal buy) call to take payment
    inside their own transaction, which it joins without a savepoint."""
    from miniprograms.shop import payment  # payment builds on this module

    return payment.order_payorder_create_nested(actor=actor, order_id=order_id)
