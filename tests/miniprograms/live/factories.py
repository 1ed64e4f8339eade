"""Live-show worlds built through the real services: a brand with a shop, a host (associate),
a moderator, a show with products, a pin and flash deals."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import F
from django.utils import timezone

from miniprograms.live import services
from miniprograms.live.models import Deal, Show
from miniprograms.shop import services as shop_services
from tests.factories import UserFactory
from tests.miniprograms.shop.factories import product_factory
from tests.superapp.official.factories import brand_with_staff


@dataclass
class LiveWorld:
    brand: object
    owner: object
    host: object
    moderator: object
    shop: object
    product: object
    sku: object
    show: Show


def live_world(*, live=True, pinned=True, stock=100, price=2500) -> LiveWorld:
    brand = brand_with_staff()
    shop = shop_services.shop_enable(actor=brand.owner, brand_id=brand.pk)
    product, sku = product_factory(shop, price=price, stock=stock)
    moderator = UserFactory()
    show = services.show_create(
        actor=brand.owner,
        brand_id=brand.pk,
        title="Silk week",
        stream_url="https://stream.example/silk.m3u8",
        starts_at=timezone.now() + timedelta(minutes=30),
        host=brand.associate.username,
        moderators=[moderator.username],
        product_ids=[product.pk],
    )
    if live:
        show = services.show_start(actor=brand.associate, show_id=show.pk)
        if pinned:
            services.pin_set(actor=brand.associate, show_id=show.pk, product_id=product.pk)
    return LiveWorld(
        brand=brand,
        owner=brand.owner,
        host=brand.associate,
        moderator=moderator,
        shop=shop,
        product=product,
        sku=sku,
        show=show,
    )


def show_body(world: LiveWorld, **overrides) -> dict:
    """The API body of a valid second show of the world's brand, tomorrow."""
    return {
        "brand_id": world.brand.pk,
        "title": "Second show",
        "stream_url": "https://stream.example/2.m3u8",
        "starts_at": (timezone.now() + timedelta(days=1)).isoformat(),
        "host": world.host.username,
        "moderators": [world.moderator.username],
        "product_ids": [world.product.pk],
        **overrides,
    }


def deal_body(world: LiveWorld, **overrides) -> dict:
    """The fields of a valid flash deal on the world's SKU (the API body too)."""
    return {
        "sku_id": world.sku.pk,
        "price": 1900,
        "quantity": 10,
        "per_buyer_limit": 2,
        "countdown_seconds": 10,
        "window_minutes": 5,
        **overrides,
    }


def start_deal(world: LiveWorld, **overrides) -> Deal:
    return services.deal_start(
        actor=world.host, show_id=world.show.pk, **deal_body(world, **overrides)
    )


def elapse(deal: Deal, seconds: float) -> Deal:
    """As if ``seconds`` passed for the deal: its countdown and window move into the past."""
    shift = timedelta(seconds=seconds)
    Deal.objects.filter(pk=deal.pk).update(
        opens_at=F("opens_at") - shift, closes_at=F("closes_at") - shift
    )
    deal.refresh_from_db()
    return deal


def open_deal(world: LiveWorld, **overrides) -> Deal:
    """A deal whose countdown is over: open for buyers now."""
    deal = start_deal(world, **overrides)
    return elapse(deal, overrides.get("countdown_seconds", 10) + 0.5)
