"""Domain-event listeners (subscribed in ``LoyaltyConfig.ready``): each turns an event of
another app into one loyalty service call. They run after the emitter's commit, once per
event, inside a transaction (superapp/core/domain_events.py)."""

from loyalty import services
from loyalty.models import Purchase
from miniprograms.shop import events as shop
from payments import events as payments
from superapp.official import events as official
from superapp.official import selectors as official_selectors


def on_shop_order_paid(*, event_id: int, event: shop.OrderPaid) -> None:
    services.purchase_record(
        brand_id=event.brand_id,
        user_id=event.buyer_user_id,
        source=Purchase.Source.SHOP_ORDER,
        amount=event.amount,
        currency=event.currency,
        paid_at=event.paid_at,
        order_id=event.order_id,
        prepay_id=event.prepay_id,
        lines=[line.to_payload() for line in event.lines],
        associate_id=event.associate_user_id,
        live_show_id=event.live_show_id,
    )


def on_payorder_paid(*, event_id: int, event: payments.PayOrderPaid) -> None:
    """Pay orders of a brand's mini-programs earn points too (the merchant organisation is
    the brand's); pay orders of other organisations are none of loyalty's business."""
    brand = official_selectors.brand_for_organisation(organisation_id=event.organisation_id)
    if brand is None:
        return
    services.purchase_record(
        brand_id=brand.pk,
        user_id=event.payer_user_id,
        source=Purchase.Source.PAY_ORDER,
        amount=event.amount,
        currency=event.currency,
        paid_at=event.paid_at,
        prepay_id=event.prepay_id,
    )


def on_shop_order_refunded(*, event_id: int, event: shop.OrderRefunded) -> None:
    services.purchase_refund(
        event_id=event_id,
        brand_id=event.brand_id,
        source=Purchase.Source.SHOP_ORDER,
        amount=event.amount,
        order_id=event.order_id,
    )


def on_payorder_refunded(*, event_id: int, event: payments.PayOrderRefunded) -> None:
    brand = official_selectors.brand_for_organisation(organisation_id=event.organisation_id)
    if brand is None:
        return
    services.purchase_refund(
        event_id=event_id,
        brand_id=brand.pk,
        source=Purchase.Source.PAY_ORDER,
        amount=event.amount,
        refunded_total=event.refunded_total,
        prepay_id=event.prepay_id,
    )


def on_account_followed(*, event_id: int, event: official.AccountFollowed) -> None:
    services.client_follow(brand_id=event.brand_id, user_id=event.user_id)


def on_service_message_received(*, event_id: int, event: official.ServiceMessageReceived) -> None:
    services.service_chat_record(
        brand_id=event.brand_id,
        account_id=event.account_id,
        user_id=event.user_id,
        message_id=event.message_id,
    )
