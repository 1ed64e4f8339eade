"""Listeners of other apps' domain events (subscribed in ``LiveConfig.ready``)."""

from miniprograms.live import services
from miniprograms.shop.events import OrderStatusChanged


def on_order_status_changed(*, event_id: int, event: OrderStatusChanged) -> None:
    """shop.order_status_changed: a deal order cancelled unpaid gives its units back."""
    if event.status == "cancelled":
        services.deal_order_release(order_id=event.order_id)
