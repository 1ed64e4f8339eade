"""Group buying: opening a team with the leader's order, and joining one."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from miniprograms.shop import locks, selectors
from miniprograms.shop.errors import (
    ALREADY_IN_TEAM,
    NO_TEAM_PRICE,
    PRODUCT_NOT_FOUND,
    SKU_NOT_FOUND,
    TEAM_CLOSED,
    TEAM_FULL,
)
from miniprograms.shop.models import (
    Order,
    Product,
    Sku,
    Team,
)
from miniprograms.shop.services.checkout import order_checkout_nested
from miniprograms.shop.services.status import Status
from superapp.core.errors import TEAM_NOT_FOUND, Conflict, DomainError, NotFound

# --- Group buying --------------------------------------------------------------------------------


def _entry_percent(product: Product) -> int:
    """Members pay the smallest team's price up front; bigger teams get the difference back."""
    tiers = list(product.team_tiers.all())
    if not tiers:
        raise DomainError("This product has no team price.", code=NO_TEAM_PRICE)
    return tiers[0].discount_percent


@transaction.atomic
def team_open(
    *, actor, shop_id: int, product_id: int, sku_id: int, quantity: int, shipping_address: dict
) -> Order:
    """Open a team with the leader's order (paid like any order, at the entry team price)."""
    shop = selectors.shop_get(shop_id=shop_id)
    product = Product.objects.filter(
        shop=shop, pk=product_id, status=Product.Status.PUBLISHED
    ).first()
    if product is None:
        raise NotFound("No such product.", code=PRODUCT_NOT_FOUND)
    percent = _entry_percent(product)
    team = Team.objects.create(
        product=product,
        leader=actor,
        expires_at=timezone.now() + timedelta(hours=settings.SHOP_TEAM_WINDOW_HOURS),
    )
    return _team_order(actor, team, sku_id, quantity, shipping_address, percent)


def _team_order(actor, team: Team, sku_id, quantity, shipping_address, percent) -> Order:
    if not Sku.objects.filter(pk=sku_id, product=team.product).exists():
        raise NotFound("No such item in this product.", code=SKU_NOT_FOUND)
    return order_checkout_nested(
        actor=actor,
        shop_id=team.product.shop_id,
        items=[{"sku_id": sku_id, "quantity": quantity}],
        shipping_address=shipping_address,
        team=team,
        team_percent=percent,
    )


@transaction.atomic
def team_join(*, actor, team_id: int, sku_id: int, quantity: int, shipping_address: dict) -> Order:
    team = locks.teams().select_related("product").filter(pk=team_id).first()
    if team is None:
        raise NotFound("No such team.", code=TEAM_NOT_FOUND)
    if team.status != Team.Status.OPEN or team.expires_at <= timezone.now():
        raise Conflict("This team is closed.", code=TEAM_CLOSED)
    percent = _entry_percent(team.product)
    active = team.orders.exclude(status=Status.CANCELLED)
    if active.filter(buyer=actor).exists():
        raise Conflict("You are in this team already.", code=ALREADY_IN_TEAM)
    if active.count() >= team.product.team_tiers.last().size:
        raise Conflict("This team is full.", code=TEAM_FULL)
    return _team_order(actor, team, sku_id, quantity, shipping_address, percent)
