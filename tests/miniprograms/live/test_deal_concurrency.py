"""Concurrent one-tap buys on PostgreSQL (real transactions, one thread per tap): a deal
never sells more than its quantity, and no buyer gets more than the per-buyer limit."""

from collections import Counter

import pytest

from miniprograms.live import services
from miniprograms.live.models import Deal
from miniprograms.shop.models import Order
from superapp.core.errors import DomainError
from tests.factories import UserFactory
from tests.helpers import run_together
from tests.miniprograms.live.factories import live_world, open_deal
from tests.miniprograms.shop.factories import ADDRESS

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.embedded]


def tap_all(deal, taps) -> list[str]:
    """Every (buyer, quantity) tap at once; the outcome of each: "ok" or the refusal code."""

    def tap(user, quantity):
        return lambda: services.deal_buy(
            actor=user,
            show_id=deal.show_id,
            deal_id=deal.pk,
            quantity=quantity,
            shipping_address=ADDRESS,
        )

    results = run_together([tap(user, quantity) for user, quantity in taps])
    for result in results:
        if isinstance(result, Exception) and not isinstance(result, DomainError):
            raise result
    return [result.code if isinstance(result, DomainError) else "ok" for result in results]


def test_concurrent_buyers_never_oversell_and_each_respects_the_limit():
    world = live_world(stock=100)
    deal = open_deal(world, quantity=5, per_buyer_limit=2)
    buyers = UserFactory.create_batch(4)
    outcomes = tap_all(deal, [(buyer, 1) for buyer in buyers for _ in range(3)])
    assert Counter(outcomes)["ok"] == 5
    assert set(outcomes) <= {"ok", "deal_limit_reached", "deal_sold_out"}
    deal.refresh_from_db()
    assert deal.remaining == 0
    orders = Order.objects.filter(live_show_id=world.show.pk)
    bought = Counter()
    for order in orders.prefetch_related("lines"):
        bought[order.buyer_id] += sum(line.quantity for line in order.lines.all())
    assert sum(bought.values()) == 5
    assert max(bought.values()) <= 2
    world.sku.refresh_from_db()
    assert world.sku.stock == 95


def test_one_buyer_tapping_many_times_at_once_gets_at_most_the_limit():
    world = live_world(stock=100)
    deal = open_deal(world, quantity=50, per_buyer_limit=3)
    buyer = UserFactory()
    outcomes = tap_all(deal, [(buyer, 2)] * 4 + [(buyer, 1)] * 4)
    assert set(outcomes) <= {"ok", "deal_limit_reached"}
    bought = sum(
        line.quantity
        for order in Order.objects.filter(buyer=buyer).prefetch_related("lines")
        for line in order.lines.all()
    )
    assert bought == 3
    assert Deal.objects.get(pk=deal.pk).remaining == 47
