"""The shop's one door to payments.

Payments tells the shop about money with domain events (contracts in the brief); the handlers
here turn them into order changes. The shop's own mini-program is the pay order's app, and the
order's ``out_trade_no`` is the pay order's, so an event maps to exactly one order. Events for
other apps' pay orders are not the shop's business and are ignored.
"""

import logging
from datetime import datetime

from miniprograms.shop import selectors, services

logger = logging.getLogger(__name__)


def on_payorder_paid(*, event_id: int, payload: dict) -> None:
    shop = selectors.shop_for_app(app_id=payload["app_id"])
    if shop is None:
        return
    order = services.order_pay(
        shop=shop,
        out_trade_no=payload["out_trade_no"],
        prepay_id=payload["prepay_id"],
        payer_user_id=payload["payer_user_id"],
        amount=payload["amount"],
        currency=payload["currency"],
        paid_at=datetime.fromisoformat(payload["paid_at"]),
    )
    if order is None:
        logger.error("pay order for an unknown shop order", extra={"event_id": event_id})


def on_payorder_refunded(*, event_id: int, payload: dict) -> None:
    shop = selectors.shop_for_app(app_id=payload["app_id"])
    if shop is None:
        return
    services.refund_record_executed(
        shop=shop,
        prepay_id=payload["prepay_id"],
        refund_id=str(payload["refund_id"]),
        amount=payload["amount"],
        refunded_total=payload["refunded_total"],
    )
