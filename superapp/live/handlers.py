"""Listeners of other apps' domain events (subscribed in ``LiveConfig.ready``)."""

from superapp.live import services


def on_order_status_changed(*, event_id: int, payload: dict) -> None:
    """shop.order_status_changed: a deal order cancelled unpaid gives its units back."""
    if payload["status"] == "cancelled":
        services.deal_order_release(order_id=payload["order_id"])
