"""The shop's order status alias and the refusals its services raise."""

from miniprograms.shop.models import (
    Order,
)
from superapp.core.errors import Conflict, DomainError

Status = Order.Status


class OutOfStock(Conflict):
    code = "out_of_stock"
    default_detail = "Not enough stock left for this item."


class InvalidTransition(DomainError):
    code = "invalid_order_status"
    default_detail = "The order cannot make this change in its current status."
