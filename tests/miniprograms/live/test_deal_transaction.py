"""A one-tap buy in the stream is one transaction with no savepoint (docs/architecture.md,
"Transactions"): the deal's units, the shop order and its pay order all join the buy's."""

import pytest

from miniprograms.live import services
from miniprograms.live.models import DealOrder
from miniprograms.shop.models import Order
from tests.factories import UserFactory
from tests.helpers import one_transaction
from tests.miniprograms.live.factories import live_world, open_deal
from tests.miniprograms.shop.factories import ADDRESS

pytestmark = pytest.mark.django_db


def test_a_deal_buy_takes_units_orders_and_asks_payment_in_one_transaction():
    world = live_world(price=2500)
    deal = open_deal(world, price=1900)
    buyer = UserFactory()
    with one_transaction() as statements:
        order, prepay_id = services.deal_buy(
            actor=buyer,
            show_id=world.show.pk,
            deal_id=deal.pk,
            quantity=1,
            shipping_address=ADDRESS,
        )
    # the order with its lines, one hand-written statement (a data-modifying WITH)
    orders = [s for s in statements if f"INSERT INTO {Order._meta.db_table} " in s]
    assert len(orders) == 1, statements
    assert prepay_id and Order.objects.get(pk=order.pk).prepay_id == prepay_id
    assert DealOrder.objects.get(order_id=order.pk).quantity == 1


def test_restricting_a_viewer_twice_keeps_one_restriction_without_a_savepoint():
    world = live_world()
    viewer = UserFactory()
    restrict = {"show_id": world.show.pk, "username": viewer.username, "kind": "mute"}
    with one_transaction():
        first = services.restriction_add(actor=world.moderator, **restrict)
    with one_transaction():
        again = services.restriction_add(actor=world.host, **restrict)
    assert again.pk == first.pk and again.created_by_id == world.moderator.pk
