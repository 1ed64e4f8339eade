"""The shop's order status alias and the refusals its services raise."""

from miniprograms.shop.errors import INVALID_ORDER_STATUS, OUT_OF_STOCK
from miniprograms.shop.models import (
    Order,
)
from superapp.core.errors import Conflict, DomainError

Status = Order.Status


class OutOfStock(Conflict):
    code = OUT_OF_STOCK
    default_detail = "Not enough stock left for this item."


class InvalidTransition(DomainError):
    code = INVALID_ORDER_STATUS
    default_detail = "The order cannot make this change in its current status."
