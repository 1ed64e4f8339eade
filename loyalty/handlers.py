"""Domain-event listeners (subscribed in ``LoyaltyConfig.ready``): each turns an event of
another app into one loyalty service call. They run after the emitter's commit, once per
event, inside a transaction (superapp/core/domain_events.py)."""

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from loyalty import services
from loyalty.models import Purchase
from superapp.official import selectors as official_selectors


def _paid_at(payload: dict):
    return parse_datetime(payload["paid_at"]) if payload.get("paid_at") else timezone.now()


def on_shop_order_paid(*, event_id: int, payload: dict) -> None:
    services.purchase_record(
        brand_id=payload["brand_id"],
        user_id=payload["buyer_user_id"],
        source=Purchase.Source.SHOP_ORDER,
        amount=payload["amount"],
        currency=payload["currency"],
        paid_at=_paid_at(payload),
        order_id=payload["order_id"],
        prepay_id=payload.get("prepay_id"),
        lines=payload.get("lines") or [],
        associate_id=payload.get("associate_user_id"),
        live_show_id=payload.get("live_show_id"),
    )


def on_payorder_paid(*, event_id: int, payload: dict) -> None:
    """Pay orders of a brand's mini-programs earn points too (the merchant organisation is
    the brand's); pay orders of other organisations are none of loyalty's business."""
    brand = official_selectors.brand_for_organisation(organisation_id=payload["organisation_id"])
    if brand is None:
        return
    services.purchase_record(
        brand_id=brand.pk,
        user_id=payload["payer_user_id"],
        source=Purchase.Source.PAY_ORDER,
        amount=payload["amount"],
        currency=payload["currency"],
        paid_at=_paid_at(payload),
        prepay_id=payload["prepay_id"],
    )


def on_shop_order_refunded(*, event_id: int, payload: dict) -> None:
    services.purchase_refund(
        event_id=event_id,
        brand_id=payload["brand_id"],
        source=Purchase.Source.SHOP_ORDER,
        amount=payload["amount"],
        order_id=payload["order_id"],
    )


def on_payorder_refunded(*, event_id: int, payload: dict) -> None:
    brand = official_selectors.brand_for_organisation(organisation_id=payload["organisation_id"])
    if brand is None:
        return
    services.purchase_refund(
        event_id=event_id,
        brand_id=brand.pk,
        source=Purchase.Source.PAY_ORDER,
        amount=payload["amount"],
        refunded_total=payload["refunded_total"],
        prepay_id=payload["prepay_id"],
    )


def on_account_followed(*, event_id: int, payload: dict) -> None:
    services.client_follow(brand_id=payload["brand_id"], user_id=payload["user_id"])


def on_service_message_received(*, event_id: int, payload: dict) -> None:
    services.service_chat_record(
        brand_id=payload["brand_id"],
        account_id=payload["account_id"],
        user_id=payload["user_id"],
        message_id=payload["message_id"],
    )
