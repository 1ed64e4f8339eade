"""The buyer's cart and the stock it draws on.

Stock is reserved with one conditional ``UPDATE ... SET stock = stock - q WHERE stock >= q`` per
SKU (in SKU-id order, so concurrent checkouts cannot deadlock) and released with the opposite
update."""

from django.conf import settings
from django.db import transaction
from django.db.models import F

from miniprograms.shop import locks, selectors
from miniprograms.shop.errors import CART_FULL, QUANTITY_LIMIT, SKU_NOT_FOUND, OutOfStock
from miniprograms.shop.models import (
    Cart,
    CartItem,
    Product,
    Shop,
    Sku,
)
from superapp.core.errors import DomainError, InvalidInput, NotFound

# --- Cart ----------------------------------------------------------------------------------------


def _sellable_sku(shop: Shop, sku_id: int) -> Sku:
    sku = (
        Sku.objects.select_related("product")
        .filter(pk=sku_id, shop=shop, product__status=Product.Status.PUBLISHED)
        .first()
    )
    if sku is None:
        raise NotFound("No such item in this shop.", code=SKU_NOT_FOUND)
    return sku


def _check_quantity(quantity: int) -> None:
    if quantity > settings.SHOP_MAX_LINE_QUANTITY:
        raise InvalidInput(
            fields={"quantity": [f"At most {settings.SHOP_MAX_LINE_QUANTITY} per item."]},
            code=QUANTITY_LIMIT,
        )


@transaction.atomic
def cart_item_set(*, actor, shop_id: int, sku_id: int, quantity: int) -> Cart:
    """Put ``quantity`` of a SKU in the user's cart of this shop (0 removes it)."""
    shop = selectors.shop_get(shop_id=shop_id)
    cart, _ = Cart.objects.get_or_create(user=actor, shop=shop)
    cart = locks.carts().get(pk=cart.pk)
    if quantity == 0:
        CartItem.objects.filter(cart=cart, sku_id=sku_id).delete()
    else:
        sku = _sellable_sku(shop, sku_id)
        _check_quantity(quantity)
        other_lines = CartItem.objects.filter(cart=cart).exclude(sku=sku).count()
        if other_lines >= settings.SHOP_MAX_CART_LINES:
            raise DomainError(
                f"A cart holds at most {settings.SHOP_MAX_CART_LINES} items.", code=CART_FULL
            )
        CartItem.objects.update_or_create(cart=cart, sku=sku, defaults={"quantity": quantity})
    cart.save(update_fields=["updated_at"])
    return cart


# --- Checkout ------------------------------------------------------------------------------------


def _reserve_stock(quantities: dict[int, int]) -> None:
    """Take stock for every SKU or for none (the caller's transaction rolls back)."""
    for sku_id in sorted(quantities):
        taken = Sku.objects.filter(pk=sku_id, stock__gte=quantities[sku_id]).update(
            stock=F("stock") - quantities[sku_id]
        )
        if not taken:
            raise OutOfStock(sku_id=sku_id)


def _release_stock(quantities: dict[int, int]) -> None:
    for sku_id in sorted(quantities):
        if quantities[sku_id]:
            Sku.objects.filter(pk=sku_id).update(stock=F("stock") + quantities[sku_id])
