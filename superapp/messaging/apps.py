from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "superapp.messaging"
    label = "messaging"

    def ready(self):
        from superapp.core.domain_events import subscribe

        subscribe(
            "shop.order_status_changed", "superapp.messaging.handlers.on_order_status_changed"
        )
        subscribe(
            "miniprograms.subscribe_message_sent",
            "superapp.messaging.handlers.on_subscribe_message_sent",
        )
