from django.apps import AppConfig


class ShopConfig(AppConfig):
    name = "miniprograms.shop"
    label = "shop"

    def ready(self) -> None:
        from superapp.core.domain_events import subscribe

        subscribe("payments.payorder_paid", "miniprograms.shop.payment.on_payorder_paid")
        subscribe("payments.payorder_refunded", "miniprograms.shop.payment.on_payorder_refunded")
        subscribe("shop.order_status_changed", "miniprograms.shop.payment.on_order_status_changed")
        subscribe("loyalty.reward_redeemed", "miniprograms.shop.handlers.on_reward_redeemed")
