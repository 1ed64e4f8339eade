from django.apps import AppConfig

SUBSCRIPTIONS = {
    "shop.order_paid": "loyalty.handlers.on_shop_order_paid",
    "shop.order_refunded": "loyalty.handlers.on_shop_order_refunded",
    "payments.payorder_paid": "loyalty.handlers.on_payorder_paid",
    "payments.payorder_refunded": "loyalty.handlers.on_payorder_refunded",
    "official.account_followed": "loyalty.handlers.on_account_followed",
    "official.service_message_received": "loyalty.handlers.on_service_message_received",
}


class LoyaltyConfig(AppConfig):
    name = "loyalty"
    label = "loyalty"

    def ready(self) -> None:
        from superapp.core.domain_events import subscribe

        for event_type, handler in SUBSCRIPTIONS.items():
            subscribe(event_type, handler)
