"""Shop test worlds built through the real services, and payments' events as payments sends them."""

import itertools
from dataclasses import dataclass

from django.test import TestCase
from django.utils import timezone

from miniprograms.shop import services
from miniprograms.shop.models import Order, Product, Shop, Sku
from superapp.core.domain_events import emit
from superapp.official import services as official_services
from tests.factories import UserFactory

ADDRESS = {
    "name": "Alice Martin",
    "phone": "+33 6 12 34 56 78",
    "line1": "12 rue de la Paix",
    "city": "Paris",
    "postal_code": "75002",
    "country": "FR",
}
_prepay_ids = itertools.count(1)


@dataclass
class World:
    owner: object
    shop: Shop
    product: Product
    sku: Sku


def shop_factory(owner=None, name="Maison Lune") -> Shop:
    owner = owner or UserFactory()
    brand = official_services.brand_create(actor=owner, name=name)
    return services.shop_enable(actor=owner, brand_id=brand.pk)


def product_factory(
    shop: Shop,
    *,
    price=2500,
    stock=10,
    handle=None,
    title="Silk scarf",
    team_tiers=None,
    currency="EUR",
) -> tuple[Product, Sku]:
    """A published product with one SKU (size M) priced in ``currency``."""
    owner = shop.brand.members.get(role="owner").user
    handle = handle or f"item-{Product.objects.count() + 1}"
    product = services.product_create(
        actor=owner,
        shop_id=shop.pk,
        handle=handle,
        title=title,
        option_names=["size"],
        team_tiers=team_tiers or [],
    )
    sku = services.sku_create(
        actor=owner,
        shop_id=shop.pk,
        product_id=product.pk,
        code=f"{handle}-M",
        options={"size": "M"},
        stock=stock,
        prices=[{"currency": currency, "amount": price}],
    )
    services.product_publish(actor=owner, shop_id=shop.pk, product_id=product.pk, published=True)
    return product, sku


def world(**product_kwargs) -> World:
    shop = shop_factory()
    product, sku = product_factory(shop, **product_kwargs)
    return World(
        owner=shop.brand.members.get(role="owner").user, shop=shop, product=product, sku=sku
    )


def checkout(buyer, sku: Sku, quantity=1, **kwargs) -> Order:
    return services.order_checkout(
        actor=buyer,
        shop_id=sku.shop_id,
        items=[{"sku_id": sku.pk, "quantity": quantity}],
        shipping_address=ADDRESS,
        **kwargs,
    )


def emit_after_commit(event_type: str, payload: dict) -> None:
    """Emit as payments does, and run the listeners as the commit would."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        emit(event_type, payload)


def pay(order: Order, *, amount=None, payer=None) -> str:
    """``payments.payorder_paid`` for ``order`` (the pay order payment.py will create)."""
    order.refresh_from_db()
    prepay_id = f"wx{next(_prepay_ids):06d}"
    emit_after_commit(
        "payments.payorder_paid",
        {
            "prepay_id": prepay_id,
            "app_id": order.shop.miniprogram.app_id,
            "organisation_id": order.shop.miniprogram.organisation_id,
            "payer_user_id": (payer or order.buyer).pk,
            "amount": order.total if amount is None else amount,
            "currency": order.currency,
            "out_trade_no": order.out_trade_no,
            "paid_at": timezone.now().isoformat(),
        },
    )
    return prepay_id


def refund_paid(order: Order, amount: int, refund_id: str) -> None:
    """``payments.payorder_refunded`` after payment.py refunded ``amount`` of ``order``."""
    order.refresh_from_db()
    refunded_total = order.refunded_amount + amount
    emit_after_commit(
        "payments.payorder_refunded",
        {
            "refund_id": refund_id,
            "prepay_id": order.prepay_id,
            "app_id": order.shop.miniprogram.app_id,
            "organisation_id": order.shop.miniprogram.organisation_id,
            "payer_user_id": order.buyer_id,
            "amount": amount,
            "currency": order.currency,
            "order_amount": order.total,
            "refunded_total": refunded_total,
        },
    )
