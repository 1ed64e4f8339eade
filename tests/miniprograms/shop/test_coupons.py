"""Coupons: percent or fixed, minimum spend, per-user limit, validity window, personal rewards."""

from datetime import timedelta

import pytest
from django.utils import timezone

from miniprograms.shop import services
from miniprograms.shop.models import Coupon, Order
from superapp.core.errors import DomainError
from tests.factories import UserFactory
from tests.helpers import assert_refused, consumer_client, run_together
from tests.miniprograms.shop.factories import ADDRESS, checkout, emit_after_commit, world

pytestmark = pytest.mark.django_db


def coupon(w, **fields) -> Coupon:
    defaults = {"code": "WELCOME", "kind": "percent", "value": 10}
    return services.coupon_create(actor=w.owner, shop_id=w.shop.pk, **{**defaults, **fields})


def refused_code(w, buyer, code="WELCOME", quantity=1) -> str:
    with pytest.raises(DomainError) as refused:
        checkout(buyer, w.sku, quantity=quantity, coupon_code=code)
    return refused.value.code


def test_staff_create_coupons_through_the_api():
    w = world()
    staff = consumer_client(w.owner)
    url = f"/api/v1/shops/{w.shop.pk}/manage/coupons"
    created = staff.post(url, {"code": "SPRING", "kind": "fixed", "value": 500, "currency": "EUR"})
    assert created.status_code == 201, created.content
    assert [c["code"] for c in staff.get(url).json()["results"]] == ["SPRING"]
    no_currency = staff.post(url, {"code": "BAD", "kind": "fixed", "value": 500})
    assert no_currency.json()["code"] == "validation_error"
    duplicate = staff.post(url, {"code": "SPRING", "kind": "percent", "value": 5})
    assert_refused(duplicate, 409, "coupon_exists")


def test_percent_discount_rounds_to_the_minor_unit(user):
    w = world(price=999)
    coupon(w, value=15)
    order = checkout(user, w.sku, quantity=1, coupon_code="WELCOME")
    assert (order.subtotal, order.discount, order.total) == (999, 150, 849)


def test_fixed_discount_never_exceeds_the_order_and_a_free_order_is_paid(user):
    w = world(price=300)
    coupon(w, kind="fixed", value=500, currency="EUR")
    order = checkout(user, w.sku, coupon_code="WELCOME")
    assert (order.discount, order.total) == (300, 0)
    assert (order.status, order.prepay_id) == ("paid", "")


def test_minimum_spend_is_checked_on_the_order(user):
    w = world(price=1000)
    coupon(w, min_spend=2000)
    assert refused_code(w, user, quantity=1) == "coupon_min_spend"
    assert checkout(user, w.sku, quantity=2, coupon_code="WELCOME").discount == 200


def test_per_user_limit_counts_live_orders_only(user):
    w = world()
    coupon(w, per_user_limit=1)
    first = checkout(user, w.sku, coupon_code="WELCOME")
    assert refused_code(w, user) == "coupon_limit_reached"
    assert checkout(UserFactory(), w.sku, coupon_code="WELCOME").coupon_id is not None
    services.order_cancel(actor=user, order_id=first.pk)
    assert checkout(user, w.sku, coupon_code="WELCOME").coupon_id is not None


def test_validity_window_bounds_are_enforced(user):
    w = world()
    now = timezone.now()
    coupon(w, code="LATER", valid_from=now + timedelta(hours=1))
    coupon(w, code="OVER", valid_until=now - timedelta(seconds=1))
    coupon(
        w, code="OPEN", valid_from=now - timedelta(hours=1), valid_until=now + timedelta(hours=1)
    )
    assert refused_code(w, user, "LATER") == "coupon_not_yet_valid"
    assert refused_code(w, user, "OVER") == "coupon_expired"
    assert checkout(user, w.sku, coupon_code="OPEN").discount > 0


def test_unknown_or_foreign_currency_coupons_are_refused(user):
    w = world()
    coupon(w, code="USD5", kind="fixed", value=500, currency="USD")
    assert refused_code(w, user, "NOPE") == "coupon_not_found"
    assert refused_code(w, user, "USD5") == "coupon_currency"
    assert Order.objects.count() == 0


def test_another_brands_coupon_does_not_apply(user):
    w, other = world(), world()
    coupon(other, code="THEIRS")
    assert refused_code(w, user, "THEIRS") == "coupon_not_found"


def test_loyalty_reward_becomes_a_personal_coupon_once(user):
    w = world(price=4000)
    payload = {
        "redemption_id": 77,
        "brand_id": w.shop.brand_id,
        "user_id": user.pk,
        "coupon": {
            "kind": "fixed",
            "value": 1000,
            "currency": "EUR",
            "min_spend": 3000,
            "valid_until": (timezone.now() + timedelta(days=30)).isoformat(),
        },
    }
    emit_after_commit("loyalty.reward_redeemed", payload)
    emit_after_commit("loyalty.reward_redeemed", payload)
    [personal] = Coupon.objects.filter(owner=user)
    assert (personal.kind, personal.value, personal.min_spend) == ("fixed", 1000, 3000)
    listed = consumer_client(user).get("/api/v1/shop/coupons").json()["results"]
    assert [c["code"] for c in listed] == [personal.code]

    assert refused_code(w, UserFactory(), personal.code) == "coupon_not_found"
    order = checkout(user, w.sku, coupon_code=personal.code)
    assert order.total == 3000
    assert refused_code(w, user, personal.code) == "coupon_limit_reached"


def test_coupon_checkout_through_the_api(api):
    w = world(price=2000)
    coupon(w, value=25)
    response = api.post(
        f"/api/v1/shops/{w.shop.pk}/checkout",
        {
            "items": [{"sku_id": w.sku.pk, "quantity": 1}],
            "coupon_code": "WELCOME",
            "shipping_address": ADDRESS,
        },
    )
    assert response.status_code == 201
    assert response.json()["discount"]["amount"] == 500
    assert response.json()["coupon_code"] == "WELCOME"


@pytest.mark.embedded
@pytest.mark.django_db(transaction=True)
def test_concurrent_checkouts_cannot_exceed_the_per_user_limit():
    w = world(stock=10)
    coupon(w, per_user_limit=1)
    buyer = UserFactory()
    clients = [consumer_client(buyer) for _ in range(6)]
    body = {
        "items": [{"sku_id": w.sku.pk, "quantity": 1}],
        "coupon_code": "WELCOME",
        "shipping_address": ADDRESS,
    }

    def buy(client):
        response = client.post(f"/api/v1/shops/{w.shop.pk}/checkout", body)
        return response.json().get("code", "created")

    codes = run_together([lambda c=c: buy(c) for c in clients])
    assert sorted(codes) == ["coupon_limit_reached"] * 5 + ["created"]
    assert Order.objects.filter(buyer=buyer).count() == 1
