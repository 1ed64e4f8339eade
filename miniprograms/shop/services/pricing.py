"""Prices: a SKU's unit price in a currency, and an amount with a percentage off."""

from miniprograms.shop.models import (
    Sku,
)
from superapp.core.errors import PRICE_UNAVAILABLE, DomainError


def _unit_price(sku: Sku, currency: str, amount: int | None) -> int:
    """The SKU's unit price ``amount`` in ``currency``, refused when it has none there."""
    if amount is None:
        raise DomainError(
            f"{sku.code} has no price in {currency}.", code=PRICE_UNAVAILABLE, sku_id=sku.pk
        )
    return amount


def discounted(amount: int, percent: int) -> int:
    """``amount`` less ``percent``%, rounded half up to the minor unit."""
    return (amount * (100 - percent) + 50) // 100
