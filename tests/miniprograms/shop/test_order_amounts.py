"""Every order's lines, discounts and totals reconcile, whatever the cart, the coupon, a live
deal's prices and a team's discount: subtotal = Σ lines' list amounts, discount = Σ lines'
discounts + the coupon's, total = subtotal - discount = Σ lines' amounts - the coupon's."""

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from miniprograms.shop import services
from miniprograms.shop.api.serializers import OrderOutput
from miniprograms.shop.models import Order
from tests.factories import UserFactory
from tests.helpers import consumer_client
from tests.miniprograms.live.factories import live_world, open_deal
from tests.miniprograms.shop.factories import ADDRESS, product_factory, shop_factory

pytestmark = pytest.mark.django_db

_codes = itertools.count(1)

line_strategy = st.fixed_dictionaries(
    {
        "price": st.integers(min_value=1, max_value=100_000),
        "quantity": st.integers(min_value=1, max_value=5),
        # a live deal's price for this SKU, as a percentage of its list price (None: no deal)
        "deal_percent": st.none() | st.integers(min_value=1, max_value=100),
    }
)
coupon_strategy = (
    st.none()
    | st.tuples(st.sampled_from(["percent", "fixed"]), st.integers(min_value=1, max_value=100))
    | st.tuples(st.just("fixed"), st.integers(min_value=1, max_value=500_000))
)


def amount(money: dict) -> int:
    return money["amount"]


def coupon_discount_expected(coupon, lines_total: int) -> int:
    """The coupon's rule, applied independently of the service to what the lines cost."""
    if coupon is None:
        return 0
    kind, value = coupon
    if kind == "fixed":
        return min(value, lines_total)
    return lines_total - (lines_total * (100 - value) + 50) // 100


@pytest.fixture
def shop():
    return shop_factory()


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    cart=st.lists(line_strategy, min_size=1, max_size=3),
    coupon=coupon_strategy,
    team_percent=st.sampled_from([0, 10, 25, 50]),
)
def test_lines_discounts_and_totals_reconcile_on_every_order(shop, cart, coupon, team_percent):
    owner = shop.brand.members.get(role="owner").user
    skus = [product_factory(shop, price=line["price"], stock=10)[1] for line in cart]
    deal_prices = {
        sku.pk: max(1, line["price"] * line["deal_percent"] // 100)
        for sku, line in zip(skus, cart, strict=True)
        if line["deal_percent"] is not None
    }
    code = ""
    if coupon is not None:
        code = f"C{next(_codes)}"
        services.coupon_create(
            actor=owner, shop_id=shop.pk, code=code, kind=coupon[0], value=coupon[1], currency="EUR"
        )

    order = services.order_checkout(
        actor=UserFactory(),
        shop_id=shop.pk,
        items=[
            {"sku_id": s.pk, "quantity": line["quantity"]}
            for s, line in zip(skus, cart, strict=True)
        ],
        shipping_address=ADDRESS,
        coupon_code=code,
        team_percent=team_percent,
        unit_amounts=deal_prices,
    )
    shown = OrderOutput(Order.objects.prefetch_related("lines").get(pk=order.pk)).data

    lines = shown["lines"]
    for line in lines:
        assert amount(line["list_amount"]) == amount(line["list_unit_price"]) * line["quantity"]
        assert amount(line["amount"]) == amount(line["unit_price"]) * line["quantity"]
        assert amount(line["list_amount"]) - amount(line["discount"]) == amount(line["amount"])
        assert amount(line["discount"]) >= 0
    lines_total = sum(amount(line["amount"]) for line in lines)
    subtotal, discount, total = (amount(shown[k]) for k in ("subtotal", "discount", "total"))
    coupon_discount = amount(shown["coupon_discount"])
    assert subtotal == sum(amount(line["list_amount"]) for line in lines)
    assert coupon_discount == coupon_discount_expected(coupon, lines_total)
    assert discount == sum(amount(line["discount"]) for line in lines) + coupon_discount
    assert total == subtotal - discount == lines_total - coupon_discount >= 0


def test_a_live_deal_order_shows_its_line_at_the_list_price_less_the_deal():
    """The order of the issue: subtotal 19.00, discount 5.00, total 14.00 — and its one line
    says 19.00 less 5.00, not just 14.00."""
    world = live_world(price=1900)
    deal = open_deal(world, price=1400)
    buyer = consumer_client(UserFactory())
    bought = buyer.post(
        f"/api/v1/live/shows/{deal.show_id}/deals/{deal.pk}/orders",
        {"quantity": 1, "shipping_address": ADDRESS},
        format="json",
    )
    assert bought.status_code == 201, bought.content

    shown = buyer.get(f"/api/v1/shop/orders/{bought.json()['order_id']}").json()

    assert (amount(shown["subtotal"]), amount(shown["discount"]), amount(shown["total"])) == (
        1900,
        500,
        1400,
    )
    [line] = shown["lines"]
    assert (amount(line["list_amount"]), amount(line["discount"]), amount(line["amount"])) == (
        1900,
        500,
        1400,
    )
    assert amount(shown["coupon_discount"]) == 0
