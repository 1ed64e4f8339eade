from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "miniprograms.live"
    label = "live"

    def ready(self) -> None:
        from miniprograms.shop.events import OrderStatusChanged
        from superapp.core.domain_events import subscribe

        subscribe(
            OrderStatusChanged,
            "miniprograms.live.handlers.on_order_status_changed",
            when=OrderStatusChanged.cancelled,
        )
