"""Prices: a SKU's unit price in a currency, and an amount with a percentage off."""

from miniprograms.shop.models import (
    Sku,
)
from superapp.core.errors import DomainError


def _unit_price(sku: Sku, currency: str) -> int:
    price = next((p for p in sku.prices.all() if p.currency == currency), None)
    if price is None:
        raise DomainError(
            f"{sku.code} has no price in {currency}.", code="price_unavailable", sku_id=sku.pk
        )
    return price.amount


def discounted(amount: int, percent: int) -> int:
    """``amount`` less ``percent``%, rounded half up to the minor unit."""
    return (amount * (100 - percent) + 50) // 100
