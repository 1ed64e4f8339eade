"""Group buying: opening a team with the leader's order, and joining one."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from miniprograms.shop import selectors
from miniprograms.shop.models import (
    Order,
    Product,
    Sku,
    Team,
)
from miniprograms.shop.services.checkout import order_checkout
from miniprograms.shop.services.errors import Status
from superapp.core.errors import Conflict, DomainError, NotFound

# --- Group buying --------------------------------------------------------------------------------


def _entry_percent(product: Product) -> int:
    """Members pay the smallest team's price up front; bigger teams get the difference back."""
    tiers = list(product.team_tiers.all())
    if not tiers:
        raise DomainError("This product has no team price.", code="no_team_price")
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
        raise NotFound("No such product.", code="product_not_found")
    percent = _entry_percent(product)
    team = Team.objects.create(
        product=product,
        leader=actor,
        expires_at=timezone.now() + timedelta(hours=settings.SHOP_TEAM_WINDOW_HOURS),
    )
    return _team_order(actor, team, sku_id, quantity, shipping_address, percent)


def _team_order(actor, team: Team, sku_id, quantity, shipping_address, percent) -> Order:
    if not Sku.objects.filter(pk=sku_id, product=team.product).exists():
        raise NotFound("No such item in this product.", code="sku_not_found")
    return order_checkout(
        actor=actor,
        shop_id=team.product.shop_id,
        items=[{"sku_id": sku_id, "quantity": quantity}],
        shipping_address=shipping_address,
        team=team,
        team_percent=percent,
    )


@transaction.atomic
def team_join(*, actor, team_id: int, sku_id: int, quantity: int, shipping_address: dict) -> Order:
    team = (
        Team.objects.select_for_update(of=("self",))
        .select_related("product")
        .filter(pk=team_id)
        .first()
    )
    if team is None:
        raise NotFound("No such team.", code="team_not_found")
    if team.status != Team.Status.OPEN or team.expires_at <= timezone.now():
        raise Conflict("This team is closed.", code="team_closed")
    percent = _entry_percent(team.product)
    active = team.orders.exclude(status=Status.CANCELLED)
    if active.filter(buyer=actor).exists():
        raise Conflict("You are in this team already.", code="already_in_team")
    if active.count() >= team.product.team_tiers.last().size:
        raise Conflict("This team is full.", code="team_full")
    return _team_order(actor, team, sku_id, quantity, shipping_address, percent)
