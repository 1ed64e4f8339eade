"""What lies outside a buyer's or a shop's reach answers as if it did not exist, with its
stable code, and changes nothing: another buyer's order, another shop's order, an unknown team,
a SKU of another product or shop, a share link that is not there. Also the edges of coupons
(percent bounds, disabling twice), the empty cart, and the product cards sent in chat."""

import pytest

from miniprograms.shop import selectors
from miniprograms.shop.models import Attribution, Coupon, Order, Sku, Team
from superapp.core.errors import InvalidInput, NotFound
from tests.factories import UserFactory
from tests.helpers import assert_refused, consumer_client
from tests.miniprograms.shop.factories import ADDRESS, checkout, product_factory, world

pytestmark = pytest.mark.django_db

TIERS = [{"size": 2, "discount_percent": 10}]


# --- Orders -----------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["cancel", "pay", "confirm-receipt", "refund-requests"])
def test_another_buyers_order_is_order_not_found_and_stays_as_it_was(api, action):
    w = world(stock=5)
    order = checkout(UserFactory(), w.sku)
    response = api.post(f"/api/v1/shop/orders/{order.pk}/{action}", {}, format="json")
    assert_refused(response, 404, "order_not_found")
    assert_refused(api.get(f"/api/v1/shop/orders/{order.pk}"), 404, "order_not_found")
    unchanged = Order.objects.get(pk=order.pk)
    assert (unchanged.status, unchanged.prepay_id, unchanged.refund_requests.count()) == (
        order.status,
        order.prepay_id,
        0,
    )


def test_a_shop_cannot_act_on_another_shops_order():
    ours, theirs = world(stock=5), world(stock=5)
    order = checkout(UserFactory(), ours.sku)
    staff = consumer_client(theirs.owner)
    cancel = staff.post(f"/api/v1/shops/{theirs.shop.pk}/manage/orders/{order.pk}/cancel")
    assert_refused(cancel, 404, "order_not_found")
    assert Order.objects.get(pk=order.pk).status == order.status
    assert Sku.objects.get(pk=ours.sku.pk).stock == 4


# --- Teams ------------------------------------------------------------------------------------


def test_a_team_opens_only_on_a_published_product_and_with_its_own_sku(api):
    w = world(price=10_000, team_tiers=TIERS)
    _, other_sku = product_factory(w.shop, team_tiers=TIERS)
    url = f"/api/v1/shops/{w.shop.pk}/products/{w.product.pk}/teams"
    foreign_sku = api.post(url, {"sku_id": other_sku.pk, "shipping_address": ADDRESS})
    assert_refused(foreign_sku, 404, "sku_not_found")
    consumer_client(w.owner).post(f"/api/v1/shops/{w.shop.pk}/products/{w.product.pk}/unpublish")
    unpublished = api.post(url, {"sku_id": w.sku.pk, "shipping_address": ADDRESS})
    assert_refused(unpublished, 404, "product_not_found")
    assert not Team.objects.exists()
    assert not Order.objects.exists()


def test_joining_a_team_that_does_not_exist_is_team_not_found(api):
    w = world(team_tiers=TIERS)
    response = api.post(
        "/api/v1/shop/teams/999999/join", {"sku_id": w.sku.pk, "shipping_address": ADDRESS}
    )
    assert_refused(response, 404, "team_not_found")
    assert not Order.objects.exists()


# --- Cart and links ---------------------------------------------------------------------------


def test_a_buyer_who_never_added_anything_has_an_empty_cart(api):
    w = world()
    cart = api.get(f"/api/v1/shops/{w.shop.pk}/cart")
    assert cart.status_code == 200, cart.content
    assert cart.json()["items"] == []


def test_only_published_items_of_this_shop_go_into_a_cart(api):
    w, other = world(), world()
    url = f"/api/v1/shops/{w.shop.pk}/cart/items"
    assert_refused(api.put(url, {"sku_id": other.sku.pk, "quantity": 1}), 404, "sku_not_found")
    consumer_client(w.owner).post(f"/api/v1/shops/{w.shop.pk}/products/{w.product.pk}/unpublish")
    assert_refused(api.put(url, {"sku_id": w.sku.pk, "quantity": 1}), 404, "sku_not_found")
    assert api.get(f"/api/v1/shops/{w.shop.pk}/cart").json()["items"] == []


def test_a_share_link_names_a_product_of_its_own_shop_and_an_unknown_code_credits_nobody(api):
    w, other = world(), world()
    staff = consumer_client(w.owner)
    foreign = staff.post(
        f"/api/v1/shops/{w.shop.pk}/manage/share-links", {"product_id": other.product.pk}
    )
    assert_refused(foreign, 404, "product_not_found")
    assert_refused(api.post("/api/v1/shop/share-links/nope/open"), 404, "share_link_not_found")
    assert not Attribution.objects.exists()


# --- Coupons ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [(0, "Ensure this value is greater than or equal to 1."), (101, "A percentage is 1-100.")],
)
def test_a_percent_coupon_takes_1_to_100_percent(value, message):
    w = world()
    response = consumer_client(w.owner).post(
        f"/api/v1/shops/{w.shop.pk}/manage/coupons",
        {"code": "ODD", "kind": "percent", "value": value},
    )
    assert assert_refused(response, 400, "validation_error")["fields"] == {"value": [message]}
    assert not Coupon.objects.exists()


def test_disabling_a_coupon_twice_keeps_the_first_moment_and_an_unknown_one_is_not_found():
    w = world()
    staff = consumer_client(w.owner)
    created = staff.post(
        f"/api/v1/shops/{w.shop.pk}/manage/coupons",
        {"code": "SPRING", "kind": "percent", "value": 5},
    ).json()
    disable = f"/api/v1/shops/{w.shop.pk}/manage/coupons/{created['id']}/disable"
    first = staff.post(disable).json()["disabled_at"]
    assert first is not None
    assert staff.post(disable).json()["disabled_at"] == first
    unknown = staff.post(f"/api/v1/shops/{w.shop.pk}/manage/coupons/999999/disable")
    assert_refused(unknown, 404, "coupon_not_found")
    theirs = world()
    foreign = consumer_client(theirs.owner).post(
        f"/api/v1/shops/{theirs.shop.pk}/manage/coupons/{created['id']}/disable"
    )
    assert_refused(foreign, 404, "coupon_not_found")


# --- Product cards in chat --------------------------------------------------------------------


def card(w, amount, currency="EUR") -> dict:
    return {"product_id": w.product.pk, "price": {"amount": amount, "currency": currency}}


def test_a_product_card_takes_the_catalogues_title_at_one_of_its_prices():
    w = world(price=2500, title="Silk scarf")
    checked = selectors.chat_card_check({**card(w, 2500), "title": "Cheap scarf!"})
    assert checked["title"] == "Silk scarf"
    assert checked["price"] == {"amount": 2500, "currency": "EUR"}


@pytest.mark.parametrize(("amount", "currency"), [(1, "EUR"), (2500, "USD")])
def test_a_product_card_at_a_price_the_product_does_not_have_is_refused(amount, currency):
    w = world(price=2500)
    with pytest.raises(InvalidInput) as refused:
        selectors.chat_card_check(card(w, amount, currency))
    assert refused.value.code == "invalid_card"


def test_a_card_of_an_unpublished_product_is_refused():
    w = world(price=2500)
    consumer_client(w.owner).post(f"/api/v1/shops/{w.shop.pk}/products/{w.product.pk}/unpublish")
    with pytest.raises(NotFound) as refused:
        selectors.chat_card_check(card(w, 2500))
    assert refused.value.code == "product_not_found"
