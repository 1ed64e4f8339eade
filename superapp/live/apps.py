from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "superapp.live"
    label = "live"

    def ready(self) -> None:
        from superapp.core.domain_events import subscribe

        subscribe("shop.order_status_changed", "superapp.live.handlers.on_order_status_changed")
