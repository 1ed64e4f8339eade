"""Data rights: export everything the shop holds about a user; erase personal content."""

import pytest

from miniprograms.shop import privacy, services
from miniprograms.shop.models import Cart, Order, Review
from tests.miniprograms.shop.factories import checkout, pay, world

pytestmark = pytest.mark.django_db


def test_export_then_erase(user):
    w = world(stock=5)
    order = checkout(user, w.sku)
    pay(order)
    services.order_ship(
        actor=w.owner, shop_id=w.shop.pk, order_id=order.pk, carrier="DHL", tracking_number="1"
    )
    services.order_deliver(actor=w.owner, shop_id=w.shop.pk, order_id=order.pk)
    services.review_create(actor=user, line_id=order.lines.get().pk, rating=4, text="Nice")
    services.cart_item_set(actor=user, shop_id=w.shop.pk, sku_id=w.sku.pk, quantity=1)

    exported = privacy.export(user)
    assert exported["orders"][0]["shipping_address"]["city"] == "Paris"
    assert exported["reviews"][0]["text"] == "Nice"
    assert exported["carts"][0]["items"] == [(w.sku.pk, 1)]

    privacy.erase(user)
    order.refresh_from_db()
    assert order.shipping_address == {}
    assert order.total > 0
    assert not Review.objects.exists()
    assert not Cart.objects.filter(user=user).exists()
    assert Order.objects.filter(buyer=user).count() == 1
