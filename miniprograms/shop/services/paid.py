"""Marking an order paid: its ``OrderPaid`` event, and settling its team when that fills it."""

from datetime import datetime

from miniprograms.shop import events, selectors
from miniprograms.shop.models import (
    Order,
)
from miniprograms.shop.services.order_state import _transition
from miniprograms.shop.services.status import Status
from miniprograms.shop.services.team_settlement import _team_settle_if_full
from superapp.core.domain_events import emit


def _order_paid_event(order: Order) -> events.OrderPaid:
    return events.OrderPaid(
        order_id=order.pk,
        shop_id=order.shop_id,
        brand_id=order.shop.brand_id,
        buyer_user_id=order.buyer_id,
        amount=order.total,
        currency=order.currency,
        prepay_id=order.prepay_id,
        paid_at=order.paid_at,
        lines=tuple(
            events.OrderLine(
                product_id=product_id,
                sku_id=sku_id,
                collection_ids=collection_ids,
                quantity=quantity,
                amount=amount,
            )
            for product_id, sku_id, quantity, amount, collection_ids in (
                selectors.order_lines_with_collections(order_id=order.pk)
            )
        ),
        associate_user_id=order.associate_id,
        live_show_id=order.live_show_id,
    )


def _mark_paid(order: Order, *, prepay_id: str, paid_at: datetime) -> None:
    order.prepay_id, order.paid_at = prepay_id, paid_at
    _transition(order, Status.PAID, f"pay order {prepay_id}" if prepay_id else "nothing to pay")
    emit(_order_paid_event(order))
    if order.team_id is not None:
        _team_settle_if_full(order.team_id)
