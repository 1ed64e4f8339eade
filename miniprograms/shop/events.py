"""Domain events the shop emits (superapp/core/domain_events.py)."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from superapp.core.domain_events import Event, Record


@dataclass(frozen=True, kw_only=True)
class OrderStatusChanged(Event):
    """An order moved to ``status``; ``title`` and ``body`` tell the buyer."""

    name = "shop.order_status_changed"
    order_id: int
    brand_id: int
    buyer_user_id: int
    status: str
    title: str
    body: str

    def cancelled(self) -> bool:
        """For the listeners that only release what a cancelled order held (``subscribe``'s
        ``when``)."""
        return self.status == "cancelled"


@dataclass(frozen=True, kw_only=True)
class OrderLine(Record):
    product_id: int
    sku_id: int
    collection_ids: tuple[int, ...]
    quantity: int
    amount: int


@dataclass(frozen=True, kw_only=True)
class OrderPaid(Event):
    name = "shop.order_paid"
    order_id: int
    shop_id: int
    brand_id: int
    buyer_user_id: int
    amount: int
    currency: str
    prepay_id: str
    paid_at: datetime
    lines: tuple[OrderLine, ...]
    associate_user_id: int | None
    live_show_id: int | None


@dataclass(frozen=True, kw_only=True)
class OrderRefunded(Event):
    name = "shop.order_refunded"
    order_id: int
    brand_id: int
    buyer_user_id: int
    amount: int
    currency: str
    order_amount: int


@dataclass(frozen=True, kw_only=True)
class RewardRedeemed(Event):
    """A loyalty member redeemed points for a coupon (``coupon``: its terms), which the shop
    issues. Emitted by loyalty, declared here: loyalty depends on the shop, never the reverse
    (docs/architecture.md, "Domain events between apps")."""

    name = "loyalty.reward_redeemed"
    redemption_id: int
    brand_id: int
    user_id: int
    coupon: dict[str, Any]
