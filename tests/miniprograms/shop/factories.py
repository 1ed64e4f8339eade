"""Shop test worlds built through the real services; orders are paid through real payments."""

from dataclasses import dataclass

from django.test import TestCase

from miniprograms.shop import payment, services
from miniprograms.shop.models import Order, Product, Shop, Sku
from payments import selectors as payments_selectors
from payments import services as payments_services
from payments.models import WalletSecurity
from superapp.core.domain_events import declared_events, emit
from superapp.official import services as official_services
from tests.factories import UserFactory
from tests.payments.factories import PIN, fund

ADDRESS = {
    "name": "Alice Martin",
    "phone": "+33 6 12 34 56 78",
    "line1": "12 rue de la Paix",
    "city": "Paris",
    "postal_code": "75002",
    "country": "FR",
}

# the same address as an entry of the buyer's own book (POST /api/v1/me/addresses)
BOOK_ADDRESS = {
    "recipient": "Alice Martin",
    "phone": "+33612345678",
    "line1": "12 rue de la Paix",
    "city": "Paris",
    "postal_code": "75002",
    "country": "FR",
}


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
    description="",
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
        description=description,
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


def after_commit():
    """Run what the enclosed code schedules on commit (events, tasks) as a commit would."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def emit_after_commit(event_type: str, payload: dict) -> None:
    """Emit as payments does, and run the listeners as the commit would. The payload must match
    the event's declaration (the emitting app's events.py)."""
    with after_commit():
        emit(declared_events()[event_type].from_payload(payload))


def wallet(user, currency="EUR") -> int:
    balances = payments_selectors.wallet_balances(user=user)
    return sum(b["available"] for b in balances if b["currency"] == currency)


def merchant(shop: Shop, currency="EUR") -> int:
    rows = payments_selectors.merchant_balances(organisation_id=shop.miniprogram.organisation_id)
    return sum(r["available"] for r in rows if r["currency"] == currency)


def fund_buyer(user, amount: int, currency="EUR") -> None:
    """Give ``user`` a payment PIN (``PIN``) once, and top the wallet up by ``amount``."""
    if not WalletSecurity.objects.filter(user=user).exists():
        payments_services.pin_set(actor=user, pin=PIN)
    if amount:
        fund(user, amount, currency)


def pay(order: Order) -> str:
    """The buyer pays ``order`` through payments: wallet funded with the total, the shop's pay
    order, confirmation with the PIN; payments' event marks the order paid. The prepay id."""
    order.refresh_from_db()
    fund_buyer(order.buyer, order.total, order.currency)
    with after_commit():
        order, _ = payment.order_payorder_create(actor=order.buyer, order_id=order.pk)
        payments_services.payorder_confirm(actor=order.buyer, prepay_id=order.prepay_id, pin=PIN)
    return order.prepay_id
