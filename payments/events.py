"""Domain events payments emits, for real money only (superapp/core/domain_events.py)."""

from dataclasses import dataclass
from datetime import datetime

from superapp.core.domain_events import Event


@dataclass(frozen=True, kw_only=True)
class PayOrderPaid(Event):
    name = "payments.payorder_paid"
    prepay_id: str
    app_id: str
    organisation_id: int
    payer_user_id: int
    amount: int
    currency: str
    out_trade_no: str
    paid_at: datetime


@dataclass(frozen=True, kw_only=True)
class PayOrderRefunded(Event):
    name = "payments.payorder_refunded"
    refund_id: str
    prepay_id: str
    app_id: str
    organisation_id: int
    payer_user_id: int
    amount: int
    currency: str
    order_amount: int
    refunded_total: int
