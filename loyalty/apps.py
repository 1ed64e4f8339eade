from django.apps import AppConfig


class LoyaltyConfig(AppConfig):
    name = "loyalty"
    label = "loyalty"

    def ready(self) -> None:
        from miniprograms.shop import events as shop
        from payments import events as payments
        from superapp.core.domain_events import subscribe
        from superapp.official import events as official

        subscribe(shop.OrderPaid, "loyalty.handlers.on_shop_order_paid")
        subscribe(shop.OrderRefunded, "loyalty.handlers.on_shop_order_refunded")
        subscribe(payments.PayOrderPaid, "loyalty.handlers.on_payorder_paid")
        subscribe(payments.PayOrderRefunded, "loyalty.handlers.on_payorder_refunded")
        subscribe(official.AccountFollowed, "loyalty.handlers.on_account_followed")
        subscribe(official.ServiceMessageReceived, "loyalty.handlers.on_service_message_received")
