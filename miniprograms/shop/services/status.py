"""The order status alias the shop's services share."""

from miniprograms.shop.models import Order

Status = Order.Status
