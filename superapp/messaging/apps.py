from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "superapp.messaging"
    label = "messaging"

    def ready(self):
        from miniprograms.events import SubscribeMessageSent
        from miniprograms.shop.events import OrderStatusChanged
        from superapp.core.domain_events import subscribe

        subscribe(OrderStatusChanged, "superapp.messaging.handlers.on_order_status_changed")
        subscribe(SubscribeMessageSent, "superapp.messaging.handlers.on_subscribe_message_sent")
