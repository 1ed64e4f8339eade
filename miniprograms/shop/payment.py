"""The shop's one door to payments.

Money goes out through payments' first-party services: the buyer's pay order for an order
(:func:`order_payorder_create`) and refunds of approved :class:`RefundRequest` rows
(:func:`refund_execute`). Money comes back as domain events (contracts in the brief), which the
handlers here turn into order changes: ``payments.payorder_paid`` marks an order paid,
``payments.payorder_refunded`` settles the refund request it was made for. The shop's own
mini-program is the pay order's app, and the order's ``out_trade_no`` is the pay order's, so an
event maps to exactly one order; events of other apps' pay orders are ignored.

The shop runs in-process, so its pay orders have no ``notify_url``: payments sends it no
webhook, the domain events are its notification.

The shop takes real money only. Payments emits no domain event for the test money of a sandbox
app's pay order, so such an order could never be marked paid (and the shop must not ship goods
or award points for test money anyway): while the shop's mini-program is in sandbox mode, asking
for a pay order is refused (409 ``shop_sandbox``) before any pay order exists. A pay order made
before the app entered sandbox mode stays real money (payments settles an order in the world it
was created in), so it is paid and marked paid as usual.
"""

import logging

from django.db import transaction
from django.utils import timezone

from miniprograms.shop import events, locks, selectors, services
from miniprograms.shop.errors import SHOP_SANDBOX
from miniprograms.shop.models import Order, RefundRequest
from payments import events as payment_events
from payments import services as payments
from superapp.core import sql
from superapp.core.errors import Conflict

logger = logging.getLogger(__name__)


# --- money out -----------------------------------------------------------------------------------


class ShopInSandbox(Conflict):
    code = SHOP_SANDBOX
    default_detail = "This shop's mini-program is in sandbox mode: it cannot take payments."


def create_pay_order(order: Order) -> str:
    """Payments' pay order for ``order`` (idempotent on ``out_trade_no``); its prepay id.

    Refuses a sandbox pay order (the caller's transaction then drops it): see the module
    docstring."""
    pay_order, _created = payments.payorder_create_nested(
        miniprogram=order.shop.miniprogram,
        payer=order.buyer,
        out_trade_no=order.out_trade_no,
        amount=order.total,
        currency=order.currency,
        description=f"{order.shop.name} order {order.pk}"[:128],
        notify_url="",
    )
    if pay_order.sandbox:
        raise ShopInSandbox()
    return pay_order.prepay_id


def _order_payorder_create(*, actor, order_id: int) -> tuple[Order, bool]:
    """The buyer's pay order for an unpaid order whose stock is still reserved.

    Returns (order, created): asking again returns the same ``prepay_id``. The buyer then
    confirms it with the PIN at ``POST /api/v1/pay/orders/{prepay_id}/confirm``. 409
    ``shop_sandbox`` while the shop's mini-program is in sandbox mode."""
    order = services.order_payable(actor=actor, order_id=order_id)
    if order.prepay_id:
        return order, False
    order.prepay_id, order.updated_at = create_pay_order(order), timezone.now()
    # order.save(update_fields=…) without the ORM's compiling (superapp/core/sql.py)
    sql.execute(
        *sql.update_statement(
            Order, order.pk, {"prepay_id": order.prepay_id, "updated_at": order.updated_at}
        )
    )
    return order, True


order_payorder_create = transaction.atomic(_order_payorder_create)  # the buyer's API, an entry
# a live deal's buy asks for it inside its own transaction (docs/architecture.md, "Transactions")
order_payorder_create_nested = transaction.atomic(savepoint=False)(_order_payorder_create)


def refund(order: Order, amount: int, *, out_refund_no: str):
    """Pay ``amount`` of ``order`` back to the buyer's wallet; payments dedupes on
    ``out_refund_no`` (a retry returns the same refund)."""
    refunded, _created = payments.refund_create(
        miniprogram=order.shop.miniprogram,
        prepay_id=order.prepay_id,
        out_refund_no=out_refund_no,
        amount=amount,
    )
    return refunded


@transaction.atomic
def refund_execute(*, request_id: int) -> RefundRequest | None:
    """Execute one approved refund request through payments and remember payments' refund id.

    The request stays ``approved`` until the ``payments.payorder_refunded`` event of that
    refund id settles it (restock, order status, ``shop.order_refunded``). Skips requests that
    another worker holds or that were executed already."""
    request = (
        locks.refund_requests(skip_locked=True)
        .select_related("order__shop__miniprogram")
        .filter(pk=request_id, status=RefundRequest.Status.APPROVED, refund_id__isnull=True)
        .first()
    )
    if request is None:
        return None
    executed = refund(request.order, request.amount, out_refund_no=f"shop-refund-{request.pk}")
    request.refund_id = executed.refund_id
    request.save(update_fields=["refund_id"])
    return request


def order_payorder_close(*, order_id: int) -> None:
    """An order that was cancelled cannot be paid any more: close its pending pay order.

    If the buyer paid in the meantime, the payment reaches a cancelled order and is owed back
    (``unmatched_payment``), so no money is lost either way."""
    order = selectors.order_get(order_id=order_id)
    if order.status != Order.Status.CANCELLED or not order.prepay_id:
        return
    try:  # payorder_close keeps its savepoint: the delivery goes on after its refusal
        payments.payorder_close(miniprogram=order.shop.miniprogram, prepay_id=order.prepay_id)
    except Conflict:
        logger.info("cancelled order was paid meanwhile; it is refunded", extra={"id": order_id})


# --- money in (domain event handlers) ------------------------------------------------------------


def on_payorder_paid(*, event_id: int, event: payment_events.PayOrderPaid) -> None:
    shop = selectors.shop_for_app(app_id=event.app_id)
    if shop is None:
        return
    order = services.order_pay(
        shop=shop,
        out_trade_no=event.out_trade_no,
        prepay_id=event.prepay_id,
        payer_user_id=event.payer_user_id,
        amount=event.amount,
        currency=event.currency,
        paid_at=event.paid_at,
    )
    if order is None:
        logger.error("pay order for an unknown shop order", extra={"event_id": event_id})


def on_payorder_refunded(*, event_id: int, event: payment_events.PayOrderRefunded) -> None:
    shop = selectors.shop_for_app(app_id=event.app_id)
    if shop is None:
        return
    services.refund_record_executed(
        shop=shop,
        prepay_id=event.prepay_id,
        refund_id=event.refund_id,
        amount=event.amount,
        refunded_total=event.refunded_total,
    )


def on_order_status_changed(*, event_id: int, event: events.OrderStatusChanged) -> None:
    if event.status == Order.Status.CANCELLED:
        order_payorder_close(order_id=event.order_id)
