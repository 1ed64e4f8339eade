"""Stock holds (docs/shop.md, "Stock holds"): a buy-now checkout takes its units in a statement
of its own, committed before the order's transaction, which consumes the hold instead of
locking the SKU row; whatever fails in between gives the units back, and beat gives back the
holds of checkouts that never finished."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from miniprograms.shop import services, tasks
from miniprograms.shop.errors import OutOfStock
from miniprograms.shop.models import Order, Sku, StockHold
from miniprograms.shop.services import holds
from miniprograms.shop.services.checkout import _order_checkout
from superapp.core.errors import NotFound
from tests.factories import UserFactory
from tests.helpers import run_together
from tests.miniprograms.shop.factories import ADDRESS, checkout, product_factory, world

pytestmark = pytest.mark.django_db


def stock_of(sku) -> int:
    return Sku.objects.get(pk=sku.pk).stock


def test_the_order_transaction_of_a_buy_now_checkout_never_touches_the_sku_row():
    w = world(stock=5)
    with CaptureQueriesContext(connection) as captured:
        order = checkout(UserFactory(), w.sku, quantity=2)
    sent = [query["sql"] for query in captured.captured_queries]
    opened = next(i for i, sql in enumerate(sent) if sql.startswith("SAVEPOINT"))
    taken_before = [sql for sql in sent[:opened] if "shop_stockhold" in sql]
    in_transaction = sent[opened:]

    assert len(taken_before) == 1  # the hold: the decrement and its rows, one statement
    assert not [sql for sql in in_transaction if sql.startswith('UPDATE "shop_sku"')]
    assert [sql for sql in in_transaction if sql.startswith("DELETE FROM shop_stockhold ")]
    assert (order.status, stock_of(w.sku)) == ("created", 3)
    assert not StockHold.objects.exists()


def test_a_checkout_refused_after_its_hold_gives_the_units_back():
    w = world(stock=2)
    with pytest.raises(NotFound) as refused:
        checkout(UserFactory(), w.sku, coupon_code="NO-SUCH-CODE")

    assert refused.value.code == "coupon_not_found"
    assert stock_of(w.sku) == 2
    assert not StockHold.objects.exists() and not Order.objects.exists()


def test_several_items_are_held_all_or_none():
    w = world(stock=3)
    _, short = product_factory(w.shop, stock=1, handle="short")
    items = [{"sku_id": w.sku.pk, "quantity": 2}, {"sku_id": short.pk, "quantity": 2}]

    assert holds.stock_hold(shop_id=w.shop.pk, quantities={w.sku.pk: 2, short.pk: 2}) is None
    with pytest.raises(OutOfStock):
        services.order_checkout(
            actor=UserFactory(), shop_id=w.shop.pk, items=items, shipping_address=ADDRESS
        )

    assert (stock_of(w.sku), stock_of(short)) == (3, 1)
    assert not StockHold.objects.exists()


def test_a_hold_is_only_for_published_items_of_that_shop():
    w = world(stock=3)
    elsewhere = world(stock=3)
    services.product_publish(
        actor=w.owner, shop_id=w.shop.pk, product_id=w.product.pk, published=False
    )

    assert holds.stock_hold(shop_id=w.shop.pk, quantities={w.sku.pk: 1}) is None
    assert holds.stock_hold(shop_id=w.shop.pk, quantities={elsewhere.sku.pk: 1}) is None
    assert (stock_of(w.sku), stock_of(elsewhere.sku)) == (3, 3)


def test_beat_gives_back_the_units_of_checkouts_that_never_finished():
    w = world(stock=4)
    abandoned = holds.stock_hold(shop_id=w.shop.pk, quantities={w.sku.pk: 3})
    fresh = holds.stock_hold(shop_id=w.shop.pk, quantities={w.sku.pk: 1})
    StockHold.objects.filter(token=abandoned.token).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert stock_of(w.sku) == 0

    assert tasks.release_stock_holds.delay().get() == 1

    assert stock_of(w.sku) == 3
    assert list(StockHold.objects.values_list("token", flat=True)) == [fresh.token]
    assert tasks.release_stock_holds.delay().get() == 0


def test_a_checkout_that_outlived_its_hold_is_refused_and_takes_nothing():
    w = world(stock=1)
    hold = holds.stock_hold(shop_id=w.shop.pk, quantities={w.sku.pk: 1})
    assert holds.stock_hold_release(hold)  # beat released it while the checkout ran

    with pytest.raises(OutOfStock):
        _order_checkout(
            actor=UserFactory(),
            shop_id=w.shop.pk,
            items=[{"sku_id": w.sku.pk, "quantity": 1}],
            shipping_address=ADDRESS,
            hold=hold,
        )

    assert stock_of(w.sku) == 1
    assert not Order.objects.exists()
    assert not holds.stock_hold_release(hold)  # nothing left to give back twice


@pytest.mark.django_db(transaction=True)
def test_buyers_racing_for_one_sku_each_get_a_hold_or_a_clean_no_and_never_an_error():
    """Thirty-two threads, each taking holds one after the other, on a SKU with fewer units than
    they ask for: every unit goes to exactly one hold, the rest are refused (None), and no
    statement fails (a lock taken apart from the decrement once deadlocked here)."""
    w = world(stock=100)

    def take_five():
        return [holds.stock_hold(shop_id=w.shop.pk, quantities={w.sku.pk: 1}) for _ in range(5)]

    outcomes = run_together([take_five for _ in range(32)])

    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    taken = [hold for attempts in outcomes for hold in attempts if hold is not None]
    assert len(taken) == 100 and stock_of(w.sku) == 0
    assert StockHold.objects.count() == 100
