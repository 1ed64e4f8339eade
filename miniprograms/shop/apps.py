from django.apps import AppConfig


class ShopConfig(AppConfig):
    name = "miniprograms.shop"
    label = "shop"

    def ready(self) -> None:
        from corsheaders.signals import check_request_enabled

        from miniprograms.shop.cors import storefront_cors
        from miniprograms.shop.events import OrderStatusChanged, RewardRedeemed
        from payments.events import PayOrderPaid, PayOrderRefunded
        from superapp.core.domain_events import subscribe

        subscribe(PayOrderPaid, "miniprograms.shop.payment.on_payorder_paid")
        subscribe(PayOrderRefunded, "miniprograms.shop.payment.on_payorder_refunded")
        subscribe(
            OrderStatusChanged,
            "miniprograms.shop.payment.on_order_status_changed",
            when=OrderStatusChanged.cancelled,
        )
        subscribe(RewardRedeemed, "miniprograms.shop.handlers.on_reward_redeemed")
        check_request_enabled.connect(storefront_cors, dispatch_uid="shop-storefront-cors")
