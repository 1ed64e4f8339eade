"""The order state machine itself: allowed transitions, the row lock, recording and announcing
each move, and cancelling (which releases the stock)."""

from django.conf import settings

from miniprograms.shop import events
from miniprograms.shop.errors import ORDER_NOT_FOUND, InvalidTransition
from miniprograms.shop.models import (
    Order,
    OrderStatusChange,
    Shop,
)
from miniprograms.shop.services.cart import _release_stock
from miniprograms.shop.services.status import Status
from superapp.core import sql
from superapp.core.domain_events import emit
from superapp.core.errors import NotFound
from superapp.realtime.services import event_publish

# --- Order state machine -------------------------------------------------------------------------

TRANSITIONS: dict[str, set[str]] = {
    Status.CREATED: {Status.PAID, Status.CANCELLED},
    Status.PAID: {Status.SHIPPED, Status.REFUND_REQUESTED, Status.REFUNDED},
    # a shipped or delivered order is refunded in full by the brand (services.order_refund)
    Status.SHIPPED: {Status.DELIVERED, Status.REFUND_REQUESTED, Status.REFUNDED},
    Status.DELIVERED: {Status.COMPLETED, Status.REFUND_REQUESTED, Status.REFUNDED},
    Status.REFUND_REQUESTED: {Status.REFUNDED, Status.PAID, Status.SHIPPED, Status.DELIVERED},
    Status.COMPLETED: set(),
    Status.CANCELLED: set(),
    Status.REFUNDED: set(),
}

NOTIFICATIONS: dict[str, tuple[str, str]] = {
    Status.CREATED: ("Order placed", "Pay within {minutes} minutes to keep your items."),
    Status.PAID: ("Payment received", "We are preparing your order."),
    Status.SHIPPED: ("Order shipped", "Your order is on its way with {carrier}: {tracking}."),
    Status.DELIVERED: ("Order delivered", "Your order has arrived. Enjoy!"),
    Status.COMPLETED: ("Order completed", "Thank you for shopping with us."),
    Status.CANCELLED: ("Order cancelled", "Your order was cancelled and nothing was charged."),
    Status.REFUND_REQUESTED: ("Refund requested", "The shop is reviewing your refund request."),
    Status.REFUNDED: ("Order refunded", "Your refund is on its way back to your wallet."),
}


def _announce(order: Order, status: str) -> None:
    """Tell loyalty/messaging (domain event) and the buyer's devices (realtime) — after commit."""
    title, body = NOTIFICATIONS[status]
    body = body.format(
        minutes=settings.SHOP_RESERVATION_MINUTES,
        carrier=order.carrier,
        tracking=order.tracking_number,
    )
    emit(
        events.OrderStatusChanged(
            order_id=order.pk,
            brand_id=order.shop.brand_id,
            buyer_user_id=order.buyer_id,
            status=status,
            title=title,
            body=body,
        )
    )
    event_publish(
        user_ids=[order.buyer_id],
        type="shop.order_updated",
        payload={"order": {"id": order.pk, "shop_id": order.shop_id, "status": status}},
    )


def _status_before_refund_request(order: Order) -> str:
    return order.history.filter(to_status=Status.REFUND_REQUESTED).latest("id").from_status


def _transition(order: Order, to: str, note: str = "") -> None:
    """Move a row-locked order along the state machine, record it and announce it. An order
    under a refund request leaves it only refunded or back where it was (request rejected):
    shipping or delivering it meanwhile would skip steps."""
    allowed = TRANSITIONS[order.status]
    if order.status == Status.REFUND_REQUESTED:
        allowed = {Status.REFUNDED, _status_before_refund_request(order)}
    if to not in allowed:
        raise InvalidTransition(status=order.status, to=to)
    OrderStatusChange.objects.create(order=order, from_status=order.status, to_status=to, note=note)
    order.status = to
    order.save()
    _announce(order, to)


_App = Shop._meta.get_field("miniprogram").related_model  # another app's: joined, not imported
_LOCKED_ORDER = (
    f"SELECT {sql.select_list(Order, 'o')}, {sql.select_list(Shop, 's')},"
    f" {sql.select_list(_App, 'm')} FROM {Order._meta.db_table} o"
    f" JOIN {Shop._meta.db_table} s ON s.id = o.shop_id"
    f" JOIN {_App._meta.db_table} m ON m.id = s.miniprogram_id WHERE o.id = %s"
)
_ORDER_NAMES, _SHOP_NAMES, _APP_NAMES = map(sql.field_names, (Order, Shop, _App))


def _locked_order(*, order_id: int, buyer=None, shop: Shop | None = None) -> Order:
    """The order (of ``buyer``, or of ``shop``, if given), row-locked, with its shop and the
    shop's app (what paying and announcing read). Only the order is locked: the shop row it
    joins is shared by every order of the shop and must never be locked, or a busy shop's
    orders would serialise on it. Read by hand (superapp/core/sql.py): the ORM's compiling of
    this read was a third of the shop's Python in a flash-sale winner's pay order."""
    statement, params = _LOCKED_ORDER, [order_id]
    if buyer is not None:
        statement, params = statement + " AND o.buyer_id = %s", [*params, buyer.pk]
    if shop is not None:
        statement, params = statement + " AND o.shop_id = %s", [*params, shop.pk]
    row = sql.fetch_one(statement + sql.row_lock("o"), params)
    if row is None:
        raise NotFound("No such order.", code=ORDER_NOT_FOUND)
    shops, apps = len(_ORDER_NAMES), len(_ORDER_NAMES) + len(_SHOP_NAMES)
    order = sql.instance(Order, _ORDER_NAMES, row[:shops])
    order.shop = sql.instance(Shop, _SHOP_NAMES, row[shops:apps])
    order.shop.miniprogram = sql.instance(_App, _APP_NAMES, row[apps:])
    if buyer is not None:
        order.buyer = buyer
    return order


def _release_order_stock(order: Order) -> None:
    _release_stock({line.sku_id: line.quantity for line in order.lines.all()})


def _cancel(order: Order, note: str) -> None:
    _transition(order, Status.CANCELLED, note)
    _release_order_stock(order)
